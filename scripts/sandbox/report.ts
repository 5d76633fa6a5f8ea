/** Progress lines while the sandbox runs, then the report a person reads. */
import type { ScenarioReport } from './scenarios/types';

export interface SandboxReport {
  ok: boolean;
  totalMs: number;
  parts: Array<{ name: string; detail: string }>;
  scenarios: ScenarioReport[];
  /** Child processes the sandbox started (all stopped by the end). */
  childPids: number[];
  /** Names of parts that could not be stopped (empty when all stopped). */
  stopFailures: string[];
  notes: string[];
}

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string) => (text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
export const bold = paint('1');
export const dim = paint('2');
export const green = paint('32');
export const red = paint('31');
export const yellow = paint('33');

/** Writes straight to the terminal, also while a function's own output is being captured. */
const write = process.stdout.write.bind(process.stdout);
export function say(line = ''): void {
  write(`${line}\n`);
}

/**
 * Runs one step and prints a line when it ends (steps may run in parallel, so nothing is
 * printed half-way): `  ✔ fauxqs (SQS/SNS emulator) http://127.0.0.1:40503 (1.2 s)`.
 */
export async function timed<T>(
  label: string,
  fn: () => Promise<T>,
  detail?: (value: T) => string,
): Promise<T> {
  const started = Date.now();
  const took = () => dim(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  try {
    const value = await fn();
    say(`  ${green('✔')} ${label}${detail ? ` ${detail(value)}` : ''} ${took()}`);
    return value;
  } catch (error) {
    say(`  ${red('✘')} ${label} ${took()}: ${red(String((error as Error)?.message ?? error))}`);
    throw error;
  }
}

function block(label: string, lines: string[], indent = '    '): string[] {
  if (lines.length === 0) return [];
  const head = label.padEnd(10);
  return lines.map((line, i) => `${indent}${i === 0 ? bold(head) : ' '.repeat(10)} ${line}`);
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function renderScenario(r: ScenarioReport, index: number, total: number): string[] {
  const mark = r.ok ? green('✔') : red('✘');
  const lines = [
    '',
    `${mark} ${bold(`${index}/${total} ${r.fn}`)} — ${r.title} ${dim(`(${(r.ms / 1000).toFixed(1)} s)`)}`,
    `    ${dim(`ran: ${r.via}`)}`,
    ...block('input', r.input),
    ...block('decided', r.decided),
    ...block('did', r.did),
    ...block(
      'dry run',
      r.wouldCall.map((c) => yellow(c)),
    ),
    ...block(
      'verified',
      r.verified.map((v) => `${v.ok ? green('✔') : red('✘')} ${v.check}`),
    ),
  ];
  if (r.error) lines.push(...block('error', [red(r.error)]));
  if (r.notifications.length === 0) {
    lines.push(...block('notified', [dim(r.noNotificationBecause ?? 'nothing arrived through SNS')]));
  }
  r.notifications.forEach((n, i) => {
    lines.push(
      ...block(i === 0 ? 'notified' : '', [
        `${bold(n.title)} ${dim('(SNS → SQS)')}`,
        `${dim('subject:')} ${n.subject ?? '-'}`,
        `${dim('description:')} ${clip(n.description, 220)}`,
        ...(n.nextSteps[0] ? [`${dim('next step:')} ${clip(n.nextSteps[0], 160)}`] : []),
      ]),
    );
  });
  return lines;
}

export function renderReport(report: SandboxReport): string[] {
  const total = report.scenarios.length;
  const passed = report.scenarios.filter((s) => s.ok).length;
  const sent = report.scenarios.reduce((n, s) => n + s.notifications.length, 0);
  const lines = ['', bold('━━━ ops-sentinel sandbox report ━━━'), ''];
  for (const p of report.parts) lines.push(`  ${p.name.padEnd(22)} ${p.detail}`);
  report.scenarios.forEach((s, i) => lines.push(...renderScenario(s, i + 1, total)));
  lines.push('');
  for (const note of report.notes) lines.push(dim(`note: ${note}`));
  const summary = `${passed}/${total} functions ran as expected, ${sent} notifications delivered through SNS → SQS, ${
    report.stopFailures.length === 0 ? 'everything stopped' : `NOT stopped: ${report.stopFailures.join(', ')}`
  } — ${(report.totalMs / 1000).toFixed(1)} s`;
  lines.push('', report.ok ? green(bold(summary)) : red(bold(summary)), '');
  return lines;
}
