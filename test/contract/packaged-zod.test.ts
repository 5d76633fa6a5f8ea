/**
 * No packaged function loads zod classic, a locale other than English or Powertools Parser at
 * init: schemas are zod/mini through shared/zod.ts, which keeps 32–41 KB of zod at init
 * where classic kept about 100 KB and Parser (which imports all of classic and every locale)
 * about 460 KB. What init loads is the handler and the chunks it imports statically (esbuild's
 * ESM output); the source map beside each file says which modules it holds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packagedArtifacts } from '../helpers/packaged-template';

const STAGE = 'local';
const FUNCTIONS = [
  ['taskStopped', 'task-stopped'],
  ['dbIamUser', 'db-iam-user'],
  ['deploymentGuard', 'deployment-guard'],
  ['queueDrift', 'queue-drift'],
  ['deepHealthcheck', 'deep-healthcheck'],
  ['healthAlarm', 'health-alarm'],
  ['rotateSecret', 'rotate-secret'],
].map(([fn, dir]) => ({ fn: fn!, handler: `functions/${dir}/handler.js` }));

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ops-sentinel-zod-'));
  for (const { fn } of FUNCTIONS)
    execFileSync('unzip', [
      '-q',
      '-o',
      path.join(packagedArtifacts(STAGE), `${fn}.zip`),
      '-d',
      path.join(root, fn),
    ]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The handler and every chunk it imports statically (`import … from "./x.js"`, `import "./x.js"`). */
function loadedAtInit(entry: string): string[] {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    // Static imports only: `import("./chunk.js")` (loaded on first use) has a parenthesis.
    for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*"(\.\.?\/[^"]+\.js)"/g))
      todo.push(path.resolve(path.dirname(file), m[1]!));
  }
  return [...seen];
}

function sourcesOf(files: string[]): string[] {
  return files.flatMap((file) =>
    existsSync(`${file}.map`)
      ? (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources
      : [],
  );
}

it.each(FUNCTIONS)('$fn loads zod/mini with the English locale only at init', ({ fn, handler }) => {
  const sources = sourcesOf(loadedAtInit(path.join(root, fn, handler)));
  // The maps were read and name what init loads: zod/mini and its core, the English locale.
  expect(sources.some((s) => s.includes('node_modules/zod/v4/mini/'))).toBe(true);
  expect(sources.some((s) => s.includes('node_modules/zod/v4/core/'))).toBe(true);
  expect(sources.filter((s) => s.includes('node_modules/zod/v4/locales/'))).toEqual([
    expect.stringMatching(/node_modules\/zod\/v4\/locales\/en\.js$/),
  ]);
  expect(sources.filter((s) => /node_modules\/zod\/v4\/classic\//.test(s))).toEqual([]);
  expect(sources.filter((s) => s.includes('node_modules/@aws-lambda-powertools/parser/'))).toEqual([]);
});
