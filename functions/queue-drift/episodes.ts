import type { Finding } from './core';
import { openedNotice, resolvedNotice } from './messages';
import type { Episode, QueueDriftDeps } from './ports';
import type { QueueDriftSettings, Trigger } from './schema';

export interface EpisodeOutcome {
  /** Keys of episodes this run opened (and notified). */
  opened: string[];
  /** Keys of episodes this run resolved (and notified). */
  resolved: string[];
  /** Keys still open from an earlier run: no notification. */
  ongoing: string[];
  /** Subjects of the notifications sent. */
  notified: string[];
}

/**
 * Turns this run's findings into at most one notification per episode start and one per end.
 * A finding without an open episode opens one; an open episode whose check reached a verdict
 * and found nothing is resolved. Episodes whose check could not run stay open. The store's
 * conditional writes decide which of two concurrent runs notifies. When a notification fails,
 * the store write is undone and the error thrown, so the retried invocation notifies.
 */
export async function reconcileEpisodes(
  findings: Finding[],
  isEvaluated: (episode: Episode) => boolean,
  deps: QueueDriftDeps,
  trigger: Trigger,
  settings: QueueDriftSettings,
): Promise<EpisodeOutcome> {
  const now = (deps.now ?? (() => new Date()))();
  const outcome: EpisodeOutcome = { opened: [], resolved: [], ongoing: [], notified: [] };
  const open = new Map((await deps.episodes.list()).map((e) => [e.key, e]));
  const current = new Set<string>();

  for (const finding of findings) {
    if (current.has(finding.key)) continue;
    current.add(finding.key);
    if (open.has(finding.key)) {
      outcome.ongoing.push(finding.key);
      continue;
    }
    const episode: Episode = {
      key: finding.key,
      queue: finding.queue,
      kind: finding.kind,
      openedAt: now.toISOString(),
      summary: finding.message,
    };
    if (!(await deps.episodes.open(episode))) {
      outcome.ongoing.push(finding.key);
      continue;
    }
    try {
      const sent = await deps.notifier.notify(openedNotice(finding, trigger, settings));
      outcome.notified.push(sent.subject);
    } catch (error) {
      await deps.episodes.resolve(episode.key).catch(() => undefined);
      throw error;
    }
    outcome.opened.push(finding.key);
  }

  for (const episode of open.values()) {
    if (current.has(episode.key) || !isEvaluated(episode)) continue;
    if (!(await deps.episodes.resolve(episode.key))) continue;
    try {
      const sent = await deps.notifier.notify(resolvedNotice(episode, now, settings));
      outcome.notified.push(sent.subject);
    } catch (error) {
      await deps.episodes.open(episode).catch(() => undefined);
      throw error;
    }
    outcome.resolved.push(episode.key);
  }
  return outcome;
}
