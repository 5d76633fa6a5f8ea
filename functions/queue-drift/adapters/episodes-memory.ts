import type { EpisodeStore, Episode } from '../ports';

/**
 * Episodes in this process's memory: for `invoke local` and stages without a table. A new
 * process knows no episode, so each cold start notifies every finding again.
 */
export function memoryEpisodeStore(initial: Episode[] = []): EpisodeStore {
  const open = new Map(initial.map((e) => [e.key, e]));
  return {
    kind: 'memory',
    async list() {
      return [...open.values()];
    },
    async open(episode) {
      if (open.has(episode.key)) return false;
      open.set(episode.key, episode);
      return true;
    },
    async resolve(episodeKey) {
      return open.delete(episodeKey);
    },
  };
}
