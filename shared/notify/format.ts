import { redact } from '../redact';
import type { Notification, Severity } from './notification';

/** SNS limits: subject < 100 chars, message 256 KB (we keep well below for both bodies). */
export const MAX_SUBJECT = 100;
export const MAX_BODY_BYTES = 100 * 1024;
const MAX_FIELD = 4000;

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  warning: ':warning:',
  info: ':information_source:',
  resolved: ':white_check_mark:',
};
const SEVERITY_WORD: Record<Severity, string> = {
  critical: 'CRITICAL',
  warning: 'WARNING',
  info: 'INFO',
  resolved: 'RESOLVED',
};

/** Cuts `text` to at most `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

function cutUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let cut = text.slice(0, maxBytes);
  while (Buffer.byteLength(cut, 'utf8') > maxBytes - 20) cut = cut.slice(0, Math.floor(cut.length * 0.9));
  return `${cut}\n… (truncated)`;
}

/** Everything shown to a person goes through here: secrets removed, `undefined` never printed. */
function clean(value: unknown, max = MAX_FIELD): string {
  if (value === undefined || value === null) return '';
  return truncate(redact(truncate(String(value), max + 200)), max);
}

function presentFacts(n: Notification): Array<[string, string]> {
  return (n.facts ?? [])
    .filter(([, v]) => v !== undefined && v !== null && String(v) !== '')
    .map(([k, v]) => [clean(k, 80), clean(v, 500)]);
}

/**
 * SNS subject: printable ASCII, no line breaks, under 100 characters, starting with a
 * letter or digit (SNS rejects anything else).
 */
export function formatSubject(n: Notification, stage?: string): string {
  const prefix = `[${SEVERITY_WORD[n.severity]}]${stage ? ` ${stage}` : ''} `;
  const ascii = redact(n.title)
    .normalize('NFKD')
    .replace(/[\r\n\t]/g, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const subject = `${prefix}${ascii || n.eventType}`;
  return subject.length < MAX_SUBJECT ? subject : `${subject.slice(0, MAX_SUBJECT - 4)}...`;
}

/** Plain-text body for email subscribers. */
export function formatEmail(n: Notification, stage?: string): string {
  const lines: string[] = [clean(n.title, 300), '', clean(n.summary)];
  const facts = presentFacts(n);
  if (facts.length) {
    lines.push('');
    const width = Math.max(...facts.map(([k]) => k.length));
    for (const [k, v] of facts) lines.push(`${k.padEnd(width)} : ${v}`);
  }
  if (n.details) lines.push('', clean(n.details, MAX_FIELD * 4));
  if (n.nextSteps?.length) {
    lines.push('', 'Next steps:');
    n.nextSteps.forEach((s, i) => lines.push(`  ${i + 1}. ${clean(s, 1000)}`));
  }
  if (n.links?.length) {
    lines.push('', 'Links:');
    for (const l of n.links) lines.push(`  ${clean(l.label, 100)}: ${l.url}`);
  }
  if (n.relatedResources?.length) {
    lines.push('', 'Resources:');
    for (const r of n.relatedResources) lines.push(`  ${clean(r, 300)}`);
  }
  lines.push('', `-- ops-sentinel${stage ? ` (${stage})` : ''} · ${n.eventType}`);
  return cutUtf8(lines.join('\n'), MAX_BODY_BYTES);
}

/** Markdown description for chat (Slack/Teams through Amazon Q Developer). */
function chatDescription(n: Notification): string {
  const parts: string[] = [clean(n.summary)];
  const facts = presentFacts(n);
  if (facts.length) parts.push(facts.map(([k, v]) => `*${k}:* ${v}`).join('\n'));
  if (n.details) parts.push(clean(n.details, MAX_FIELD * 2));
  if (n.links?.length) parts.push(n.links.map((l) => `<${l.url}|${clean(l.label, 100)}>`).join(' · '));
  return truncate(parts.join('\n\n'), 8000);
}

/** The Amazon Q Developer in chat applications custom notification schema. */
export interface ChatbotMessage {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps?: string[];
    keywords?: string[];
  };
  metadata: {
    threadId?: string;
    summary: string;
    eventType: string;
    relatedResources?: string[];
    additionalContext?: Record<string, string>;
  };
}

export function formatChatbot(n: Notification, stage?: string, id?: string): ChatbotMessage {
  const msg: ChatbotMessage = {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: `${SEVERITY_EMOJI[n.severity]} ${clean(n.title, 250)}`,
      description: chatDescription(n),
    },
    metadata: {
      summary: clean(n.summary, 500),
      eventType: n.eventType,
    },
  };
  if (id) msg.id = id;
  if (n.nextSteps?.length) msg.content.nextSteps = n.nextSteps.slice(0, 10).map((s) => clean(s, 500));
  const keywords = [...(n.keywords ?? []), ...(stage ? [stage] : [])]
    .map((k) => clean(k, 60))
    .filter(Boolean);
  if (keywords.length) msg.content.keywords = [...new Set(keywords)].slice(0, 10);
  if (n.threadId) msg.metadata.threadId = clean(n.threadId, 200);
  if (n.relatedResources?.length)
    msg.metadata.relatedResources = n.relatedResources.map((r) => clean(r, 300));
  msg.metadata.additionalContext = { severity: n.severity, ...(stage ? { stage } : {}) };
  return msg;
}
