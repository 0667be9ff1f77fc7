import type { CrawlFrontier, FrontierUrl } from '../connectors/source.ts';
import type { Db } from '../db/database.ts';
import { enqueueUrls, frontierCounts, knownUrls, markVisited, nextUrls, resetFrontier } from '../db/repositories/crawl-frontier.ts';

export interface StagedCrawlFrontier extends CrawlFrontier {
  /** Writes what the page changed, inside the page's own transaction. */
  commit(trx: Db): Promise<void>;
}

/**
 * A job's crawl frontier as one page sees it: reads come from the committed frontier, changes are
 * kept in memory until the page commits. A page that never commits leaves the frontier untouched,
 * so its retry fetches the same URLs again.
 */
export function stagedCrawlFrontier(db: Db, jobId: string): StagedCrawlFrontier {
  let reset = false;
  const queued: FrontierUrl[] = [];
  const queuedUrls = new Set<string>();
  const visited = new Set<string>();

  return {
    async reset() {
      reset = true;
      queued.length = 0;
      queuedUrls.clear();
      visited.clear();
    },

    async enqueue(urls) {
      const fresh = new Map<string, FrontierUrl>();
      for (const entry of urls) if (!queuedUrls.has(entry.url) && !fresh.has(entry.url)) fresh.set(entry.url, entry);
      const stored = reset ? new Set<string>() : await knownUrls(db, jobId, [...fresh.keys()]);
      for (const entry of fresh.values()) {
        if (stored.has(entry.url)) continue;
        queued.push(entry);
        queuedUrls.add(entry.url);
      }
    },

    async next(limit) {
      const stored = reset ? [] : await nextUrls(db, jobId, limit + visited.size);
      return [...stored, ...queued].filter(({ url }) => !visited.has(url)).slice(0, limit);
    },

    async markVisited(url) {
      visited.add(url);
    },

    async counts() {
      const stored = reset ? { queued: 0, visited: 0 } : await frontierCounts(db, jobId);
      return { queued: stored.queued + queued.length, visited: stored.visited + visited.size };
    },

    async commit(trx) {
      if (reset) await resetFrontier(trx, jobId);
      await enqueueUrls(trx, jobId, queued);
      await markVisited(trx, jobId, [...visited]);
      // The next page of the same activity reads what this one wrote; a transaction that then fails
      // fails the activity, whose retry opens a new stage.
      reset = false;
      queued.length = 0;
      queuedUrls.clear();
      visited.clear();
    },
  };
}
