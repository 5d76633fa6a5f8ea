/** The packaged-artifact cache (scripts/lib/packaged.ts) keeps the digests used last only. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pruneDigests } from '../../../scripts/lib/packaged';

let cache: string;
beforeEach(() => {
  cache = mkdtempSync(path.join(os.tmpdir(), 'ops-sentinel-packaged-'));
});
afterEach(() => rmSync(cache, { recursive: true, force: true }));

/** A digest folder with a stage package, last used `minutesAgo`. */
function digest(name: string, minutesAgo: number): string {
  const dir = path.join(cache, name);
  mkdirSync(path.join(dir, 'package-local'), { recursive: true });
  const at = new Date(Date.now() - minutesAgo * 60_000);
  utimesSync(dir, at, at);
  return dir;
}

it('keeps the current digest and the ones used last, up to `keep` in all', () => {
  const current = digest('aaaaaaaaaaaaaaaa', 90); // in use, though older than the others
  digest('bbbbbbbbbbbbbbbb', 1);
  digest('cccccccccccccccc', 5);
  digest('dddddddddddddddd', 10);
  digest('eeeeeeeeeeeeeeee', 60);
  const removed = pruneDigests(cache, current, 3);
  expect(removed.map((d) => path.basename(d)).sort()).toEqual(['dddddddddddddddd', 'eeeeeeeeeeeeeeee']);
  expect(readdirSync(cache).sort()).toEqual(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', 'cccccccccccccccc']);
});

it('leaves the packaging lock and anything that is not a digest folder', () => {
  const current = digest('aaaaaaaaaaaaaaaa', 0);
  mkdirSync(path.join(cache, 'serverless-package.lock'));
  mkdirSync(path.join(cache, 'notes'));
  digest('bbbbbbbbbbbbbbbb', 30);
  expect(pruneDigests(cache, current, 1)).toEqual([path.join(cache, 'bbbbbbbbbbbbbbbb')]);
  expect(existsSync(path.join(cache, 'serverless-package.lock'))).toBe(true);
  expect(existsSync(path.join(cache, 'notes'))).toBe(true);
  expect(existsSync(current)).toBe(true);
});
