// esbuild plugins for serverless-esbuild (serverless.yml custom.esbuild.plugins).
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const LAZY_SOURCE_MAPS = path.resolve(__dirname, '../../shared/lazy-source-maps.ts');

module.exports = [
  {
    // Each function's build folder is an ES module package, so the Lambda runtime and
    // `serverless invoke local` (which only looks for handler.js / .cjs) load handler.js and its
    // chunks as ES modules. https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
    name: 'esm-package-json',
    setup(build) {
      build.onEnd((result) => {
        if (result.errors.length > 0 || !build.initialOptions.outdir) return;
        mkdirSync(build.initialOptions.outdir, { recursive: true });
        writeFileSync(path.join(build.initialOptions.outdir, 'package.json'), '{ "type": "module" }\n');
      });
    },
  },
  {
    // Each entry point (a handler.ts) imports shared/lazy-source-maps.ts before anything else, in
    // the bundle only (handlers stay wiring-only; jest runs the TypeScript). The import goes on
    // the entry's first line, which is a comment, so the source map's lines stay the file's.
    // (esbuild's `inject` would add an init call to every module of the bundle.)
    name: 'lazy-source-maps',
    setup(build) {
      const entries = new Set(
        [build.initialOptions.entryPoints ?? []]
          .flat()
          .map((e) =>
            path.resolve(
              build.initialOptions.absWorkingDir ?? process.cwd(),
              typeof e === 'string' ? e : e.in,
            ),
          ),
      );
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!entries.has(args.path)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        return { contents: `import ${JSON.stringify(LAZY_SOURCE_MAPS)}; ${source}`, loader: 'ts' };
      });
    },
  },
  {
    // node:http through require(), never as an ES module: Node 24's ES module facade of a built-in
    // reads each of its exports when linked, and node:http's WebSocket, MessageEvent and
    // CloseEvent getters load undici (Node's fetch client), about 60 ms of CPU (measured:
    // `import 'node:http'` 94 ms against 38 ms through require(), empty node 34 ms). The health
    // probe imports node:http at init, the SDK's HTTP handler on the first call. An import of it
    // resolves to a CommonJS module of `require('node:http')`; esbuild reads its members from it.
    name: 'node-http-via-require',
    setup(build) {
      build.onResolve({ filter: /^(node:)?http$/ }, (args) =>
        args.kind === 'import-statement' || args.kind === 'dynamic-import'
          ? { path: 'node:http', namespace: 'node-http-via-require' }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'node-http-via-require' }, () => ({
        contents: "module.exports = require('node:http');",
        loader: 'js',
      }));
    },
  },
];
