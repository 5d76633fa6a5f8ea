/**
 * Secret-leak scan, part 1 (every test file): records every line the code prints (logger,
 * console, stdout/stderr), every notification body it formats, and every value it registers as
 * secret. Part 2 (`teardown.ts`) scans the records once the whole suite has run.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { runDir } from './paths';

const dir = runDir();
const outputFile = path.join(dir, `output-${process.pid}.log`);
const secretsFile = path.join(dir, `secrets-${process.pid}.txt`);
const testFile = () => path.relative(process.cwd(), expect.getState().testPath ?? 'unknown');

function record(channel: string, text: string): void {
  if (text.length === 0) return;
  appendFileSync(outputFile, `${JSON.stringify({ file: testFile(), channel, text })}\n`);
}

// stdout/stderr: Powertools Logger writes here outside POWERTOOLS_DEV.
for (const stream of [process.stdout, process.stderr] as const) {
  const original = stream.write.bind(stream);
  const channel = stream === process.stdout ? 'stdout' : 'stderr';
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    record(channel, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
}

// console: jest's console (and Powertools Logger in POWERTOOLS_DEV mode) — recorded and kept quiet.
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    record(`console.${method}`, args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '));
    if (process.env.LEAK_SCAN_ECHO) original(...args);
  };
}

function safeJson(value: unknown): string {
  try {
    return value instanceof Error ? `${value.name}: ${value.message}` : JSON.stringify(value);
  } catch {
    return String(value);
  }
}

// Every value the code registers as secret is a value that must never appear anywhere.
jest.mock('../../../shared/redact', () => {
  const actual = jest.requireActual('../../../shared/redact');
  return {
    ...actual,
    registerSecret(value: unknown) {
      if (typeof value === 'string' && value.length >= 6)
        appendFileSync(secretsFile, `${JSON.stringify(value)}\n`);
      return actual.registerSecret(value);
    },
  };
});

// Every notification body that would be published or printed.
jest.mock('../../../shared/notify/format', () => {
  const actual = jest.requireActual('../../../shared/notify/format');
  const wrap =
    (name: string, fn: (...a: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const out = fn(...args);
      record(`notification.${name}`, typeof out === 'string' ? out : JSON.stringify(out));
      return out;
    };
  return {
    ...actual,
    formatSubject: wrap('subject', actual.formatSubject),
    formatEmail: wrap('email', actual.formatEmail),
    formatChatbot: wrap('chat', actual.formatChatbot),
  };
});
