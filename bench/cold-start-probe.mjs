// One cold start of a packaged handler, run by bench/cold-start.ts in a fresh Node process (plain
// JavaScript so no TypeScript loader is in the measured process):
//   node cold-start-probe.mjs <handler file> <export> <esm|cjs> [event.json]
// Prints one JSON line: the files loaded during init (path, bytes), peak RSS and, with an event,
// the time from process start to the end of the first call and how it ended.
import { registerHooks } from 'node:module';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [file, name, kind, eventFile] = process.argv.slice(2);
const loaded = new Set();
const record = process.env.COLD_PROBE_RECORD === '1';
if (record)
  registerHooks({
    load(url, context, next) {
      if (url.startsWith('file:')) loaded.add(fileURLToPath(url));
      return next(url, context);
    },
  });

const mod = file.endsWith('.mjs')
  ? await import(pathToFileURL(file).href)
  : (await import('node:module')).createRequire(import.meta.url)(file);
const handler = mod[name] ?? mod.default?.[name];
const initFiles = [...loaded].map((f) => ({ file: f, bytes: statSync(f).size }));
const initMs = performance.now();
let firstCallMs = null;
let outcome = null;
if (eventFile) {
  const event = JSON.parse(readFileSync(eventFile, 'utf8'));
  if (event.ResponseURL && process.env.COLD_PROBE_STUB)
    event.ResponseURL = `${process.env.COLD_PROBE_STUB}/cfn-response`;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench'}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '256',
    awsRequestId: '00000000-0000-4000-8000-000000000000',
    logGroupName: '/aws/lambda/bench',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
  };
  try {
    await handler(event, context);
    outcome = 'ok';
  } catch (error) {
    outcome = `threw ${error?.name ?? 'error'}`;
  }
  firstCallMs = performance.now();
}
const lateFiles = [...loaded]
  .filter((f) => !initFiles.some((i) => i.file === f))
  .map((f) => ({ file: f, bytes: statSync(f).size }));
process.stderr.write(
  `\n@@probe ${JSON.stringify({ initFiles, lateFiles, initMs, firstCallMs, outcome, maxRssKB: process.resourceUsage().maxRSS })}\n`,
);
process.exit(0);
