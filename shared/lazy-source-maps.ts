/**
 * Stack traces that name the TypeScript file and line, at no cost to cold start. Imported first
 * by each packaged bundle's entry point (the `lazy-source-maps` plugin in
 * resources/lib/esbuild-plugins.js), never by the code: jest and tsx run the TypeScript itself.
 *
 * `NODE_OPTIONS=--enable-source-maps` parses the linked source map of every module as it loads,
 * so every cold start pays for maps no trace may ever need (README "Stack traces" has the
 * figures). Here nothing is read at init: the first time a stack is formatted, the `.map` beside
 * each bundle file in it (serverless.yml `sourcemap: linked` writes `<file>.js.map`) is read and
 * parsed once, and each call site is mapped with Node's public `SourceMap`
 * (https://nodejs.org/api/module.html#class-modulesourcemap). Frames print as V8 prints them,
 * the location replaced by the original one, `functions/<name>/core.ts:12:7`, and the function
 * name by the original one where the map has it (as Node's own source-map support does), so
 * Powertools' `location` field and the Lambda runtime's `trace` name the TypeScript too.
 *
 * The error's first line is V8's own (`Error.prototype.toString`, the class name then the
 * message): keepNames keeps `new.target.name`, so the class names survive minification.
 */
import type { SourceMap } from 'node:module';

/**
 * Node's modules, taken when the first stack is formatted: importing them as ES modules would
 * link their facades at init (node:fs's reads its stream getters, which load node:stream).
 * https://nodejs.org/api/process.html#processgetbuiltinmoduleid
 */
const node = () => ({
  fs: process.getBuiltinModule('node:fs'),
  module: process.getBuiltinModule('node:module'),
  url: process.getBuiltinModule('node:url'),
});

/** Each bundle file's map, parsed on its first stack; `null` when the file has none. */
const maps = new Map<string, SourceMap | null>();

function mapOf(fileName: string): SourceMap | null {
  let map = maps.get(fileName);
  if (map !== undefined) return map;
  map = null;
  try {
    const { fs, module, url } = node();
    const file = fileName.startsWith('file:') ? url.fileURLToPath(fileName) : fileName;
    if (file.endsWith('.js') && fs.existsSync(`${file}.map`))
      map = new module.SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')) as never);
  } catch {
    map = null; // an unreadable map: the frame stays as V8 printed it
  }
  maps.set(fileName, map);
  return map;
}

/** `../../../../functions/x/core.ts` (relative to the map's folder in the build) → `functions/x/core.ts`. */
function sourcePath(source: string): string {
  return source.replace(/^(?:\.\.?\/)+/, '');
}

interface Entry {
  originalSource?: string;
  originalLine?: number;
  originalColumn?: number;
  name?: string;
}

/** The mapping at a 1-based line and column, or undefined when the map has none there. */
function entryAt(map: SourceMap, line: number | null, column: number | null): Entry | undefined {
  if (!line || !column) return undefined;
  const entry = map.findEntry(line - 1, column - 1) as Entry;
  return entry.originalSource ? entry : undefined;
}

/** One frame as V8 prints it, its location (and name, when the map has it) the original ones. */
function frame(site: NodeJS.CallSite, next: NodeJS.CallSite | undefined): string {
  const printed = site.toString();
  const fileName = site.getFileName();
  const map = fileName ? mapOf(fileName) : null;
  if (!map || !fileName) return printed;
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  const entry = entryAt(map, line, column);
  if (!entry) return printed;
  const location = `${sourcePath(entry.originalSource!)}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
  const at = printed.replace(`${fileName}:${line}:${column}`, location);
  // The function's original name: the mapping of its start, else of its call in the caller's frame.
  const name =
    entryAt(map, site.getEnclosingLineNumber(), site.getEnclosingColumnNumber())?.name ??
    (next?.getFileName() === fileName
      ? entryAt(map, next.getLineNumber(), next.getColumnNumber())?.name
      : undefined);
  const minified = site.getFunctionName();
  if (!name || !minified || name === minified || !at.includes(`${minified} (`)) return at;
  return at.replace(`${minified} (`, `${name} (`);
}

function header(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
}

Error.prepareStackTrace = (error, sites) =>
  [header(error), ...sites.map((site, i) => `    at ${frame(site, sites[i + 1])}`)].join('\n');
