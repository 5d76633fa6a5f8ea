/**
 * Secret-leak scan, part 2 (after the whole suite): every recorded line is searched for every
 * registered secret and for the fixed secrets the tests use. Any occurrence fails the run.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KNOWN_TEST_SECRETS } from './known-secrets';
import { runDir } from './paths';

export interface Line {
  file: string;
  channel: string;
  text: string;
}

export default async function leakScanTeardown(): Promise<void> {
  const LEAK_SCAN_DIR = runDir();
  const files = readdirSync(LEAK_SCAN_DIR);
  const secrets = new Set<string>(KNOWN_TEST_SECRETS);
  for (const f of files.filter((n) => n.startsWith('secrets-'))) {
    for (const line of readFileSync(path.join(LEAK_SCAN_DIR, f), 'utf8').split('\n')) {
      if (line) secrets.add(JSON.parse(line) as string);
    }
  }
  const lines: Line[] = [];
  for (const f of files.filter((n) => n.startsWith('output-'))) {
    for (const raw of readFileSync(path.join(LEAK_SCAN_DIR, f), 'utf8').split('\n')) {
      if (raw) lines.push(JSON.parse(raw) as Line);
    }
  }
  const { byChannel, leaks } = scanForLeaks(lines, secrets);
  const report = {
    linesScanned: lines.length,
    byChannel,
    secretsChecked: secrets.size,
    leaks: leaks.length,
    details: leaks.slice(0, 50),
  };
  const reportFile = path.join(path.dirname(LEAK_SCAN_DIR), 'leak-scan-report.json');
  writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  rmSync(LEAK_SCAN_DIR, { recursive: true, force: true });
  console.log(
    `\nSecret-leak scan: ${lines.length} printed lines and notifications checked against ${secrets.size} secret values: ${leaks.length} leaks found.`,
  );
  if (leaks.length > 0) {
    for (const l of leaks.slice(0, 10)) console.log(`  ${l.file} [${l.channel}]: ${l.excerpt}`);
    throw new Error(`Secret-leak scan found ${leaks.length} leaks (see .tmp/runs/leak-scan-report.json)`);
  }
}

/** Every occurrence of any secret in any line, with a short excerpt (the secret itself masked). */
export function scanForLeaks(lines: Line[], secrets: Set<string>) {
  const byChannel: Record<string, number> = {};
  const leaks: Array<{ file: string; channel: string; excerpt: string }> = [];
  for (const line of lines) {
    const channel = line.channel.split('.')[0]!;
    byChannel[channel] = (byChannel[channel] ?? 0) + 1;
    for (const secret of secrets) {
      const at = line.text.indexOf(secret);
      if (at < 0) continue;
      const before = line.text.slice(Math.max(0, at - 60), at);
      const after = line.text.slice(at + secret.length, at + secret.length + 40);
      leaks.push({ file: line.file, channel: line.channel, excerpt: `${before}<<SECRET>>${after}` });
    }
  }
  return { byChannel, leaks };
}
