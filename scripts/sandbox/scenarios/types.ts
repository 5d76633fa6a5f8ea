import type { ResponseServer } from '../../../local/db-iam-user/response-server';
import type { NotificationInbox, ReceivedNotification } from '../notifications';
import type { SandboxPostgres } from '../postgres';
import type { HealthTarget } from '../stack';

/** What every scenario gets: the running local parts. */
export interface SandboxContext {
  /** Repository root (events/ and functions/ are resolved from it). */
  root: string;
  /** Unique per run, for database and user names (other runs and tests may share the server). */
  suffix: string;
  inbox: NotificationInbox;
  /** AWS_ENDPOINT_URL when a full emulator (LocalStack, moto) serves every AWS API; unset otherwise. */
  fullEmulator?: string;
  postgres: SandboxPostgres;
  health: HealthTarget;
  responseUrl: ResponseServer;
  /** Registers a stopper (e.g. drop a database) that also runs on Ctrl-C. */
  onCleanup(name: string, stop: () => Promise<void>): void;
  /** Prints a progress line while the scenario runs. */
  progress(line: string): void;
}

/** One function's part of the report. */
export interface ScenarioReport {
  /** The function name as in serverless.yml, e.g. `queueDrift`. */
  fn: string;
  /** What the scenario shows, in a few words. */
  title: string;
  /** One line for the progress output (default: the first `decided` line). */
  headline?: string;
  /** How the function ran: its real handler in-process, or its core with in-memory fakes. */
  via: string;
  input: string[];
  decided: string[];
  did: string[];
  /** Exactly which AWS calls a dry run would have made. */
  wouldCall: string[];
  /** What the scenario checked afterwards on the real parts (e.g. the DB user exists). */
  verified: Array<{ check: string; ok: boolean }>;
  /** Filled by main: what arrived through SNS → SQS while the scenario ran. */
  notifications: ReceivedNotification[];
  /** Why no notification is expected, when none is. */
  noNotificationBecause?: string;
  ok: boolean;
  error?: string;
  ms: number;
}

export type ScenarioBody = Omit<ScenarioReport, 'fn' | 'title' | 'notifications' | 'ok' | 'error' | 'ms'>;

export interface Scenario {
  fn: string;
  title: string;
  run(ctx: SandboxContext): Promise<ScenarioBody>;
}
