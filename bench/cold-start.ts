/**
 * Cold start per function: bundle size and module initialisation time in a fresh Node process
 * (median of repeated runs), against an empty handler built with the same esbuild settings.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { median, round } from './stats';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, '.tmp', 'bench', 'bundles');

/** The same settings as `custom.esbuild` in serverless.yml. */
function bundle(entry: string, name: string): string {
  const outfile = path.join(OUT, `${name}.js`);
  buildSync({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    target: 'node24',
    platform: 'node',
    format: 'cjs',
    keepNames: true,
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

export interface FunctionEntry {
  key: string;
  handlerFile: string;
}

/** The functions declared in functions/*\/function.yml. */
export function declaredFunctions(): FunctionEntry[] {
  const dir = path.join(ROOT, 'functions');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => {
      const yml = readFileSync(path.join(dir, e.name, 'function.yml'), 'utf8');
      const key = yml.match(/^(\w+):/m)?.[1];
      const handler = yml.match(/handler:\s*(\S+)\.\w+/)?.[1];
      return key && handler ? [{ key, handlerFile: path.join(ROOT, `${handler}.ts`) }] : [];
    });
}

function initMs(file: string, env: NodeJS.ProcessEnv): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const out = execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  return Number(out.trim());
}

export type ColdStartRow = {
  function: string;
  'bundle KB': number;
  'init ms (median)': number;
  'vs empty handler': string;
};

/**
 * `envFor(key)` gives the environment the function sees at cold start (its config is
 * validated during init, so a realistic one matters).
 */
export function measureColdStarts(
  runs: number,
  envFor: (key: string) => NodeJS.ProcessEnv,
): { baselineMs: number; baselineKB: number; rows: ColdStartRow[] } {
  mkdirSync(OUT, { recursive: true });
  const emptyEntry = path.join(OUT, 'empty-handler.ts');
  writeFileSync(emptyEntry, 'export const handler = async () => ({});\n');
  const emptyFile = bundle(emptyEntry, 'empty');
  const baseEnv = { PATH: process.env.PATH, POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_REGION: 'us-east-1' };
  const baselineMs = median(Array.from({ length: runs }, () => initMs(emptyFile, baseEnv)));
  const rows = declaredFunctions().map(({ key, handlerFile }) => {
    const file = bundle(handlerFile, key);
    const env = { ...baseEnv, ...envFor(key), POWERTOOLS_LOG_LEVEL: 'SILENT' };
    const ms = median(Array.from({ length: runs }, () => initMs(file, env)));
    return {
      function: key,
      'bundle KB': round(statSync(file).size / 1024, 1),
      'init ms (median)': round(ms, 1),
      'vs empty handler': `${round(ms / baselineMs, 1)}x`,
    };
  });
  return { baselineMs: round(baselineMs, 2), baselineKB: round(statSync(emptyFile).size / 1024, 2), rows };
}
