// esbuild plugins for serverless-esbuild (serverless.yml custom.esbuild.plugins).
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

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
];
