import { setTimeout as sleep } from 'node:timers/promises';
import * as robotsModule from 'robots-parser';
import { fetchWithRetry } from '../http/fetch-with-retry.ts';
import { SourceHttpError, SourceRateLimitedError, SourceRefusedError } from '../http/source-errors.ts';
import type { Checkpoint, ReadContext, Source, SourceDocument, SourcePage } from '../source.ts';
import type { WebScraperConfig } from './config.ts';
import { extractLinks, normalizeUrl, parseSitemap } from './links.ts';

export const USER_AGENT = 'TributaryBot/1.0 (+https://github.com/tributary)';
const PAGES_PER_READ = 10;
const DEFAULT_MAX_PAGES = 1000;
const MAX_SITEMAPS = 20;

type RobotsParser = (
  url: string,
  robotstxt: string,
) => {
  isAllowed(url: string, userAgent?: string): boolean | undefined;
  getCrawlDelay(userAgent?: string): number | undefined;
  getSitemaps(): string[];
};
// The package is CommonJS exporting a function; its typings describe it as a default export.
const robotsParser = (robotsModule as unknown as { default: RobotsParser }).default;
type Robots = ReturnType<RobotsParser>;

/**
 * Crawls a web site: `single` fetches one page; `all` follows same-origin links and the sitemap,
 * honouring robots.txt (rules and Crawl-delay) and a politeness delay. The frontier lives in
 * Tributary, so a checkpoint is just a marker and a retried page resumes where the crawl stood.
 */
export function openWebSource(context: ReadContext<WebScraperConfig>): Source {
  const { config, crawlFrontier: frontier, jobId } = context;
  const start = new URL(config.url);
  const maxPages = config.extractionType === 'single' ? 1 : (config.maxPages ?? DEFAULT_MAX_PAGES);
  const retry = { heartbeat: () => context.heartbeat(), signal: context.signal, maxInlineWaitMs: context.limits.maxInlineRateLimitWaitMs };

  async function robots(): Promise<Robots> {
    const url = new URL('/robots.txt', start).toString();
    try {
      const response = await fetchWithRetry(context.fetch, url, { headers: { 'user-agent': USER_AGENT } }, { ...retry, attempts: 2 });
      return robotsParser(url, response.ok ? await response.text() : '');
    } catch (error) {
      // A site that limits our rate is read later, never crawled as if it had no rules.
      if (error instanceof SourceRateLimitedError) throw error;
      return robotsParser(url, '');
    }
  }

  async function sitemapUrls(rules: Robots): Promise<string[]> {
    const pending = rules.getSitemaps().length > 0 ? rules.getSitemaps() : [new URL('/sitemap.xml', start).toString()];
    const pages: string[] = [];
    for (let index = 0; index < pending.length && index < MAX_SITEMAPS; index += 1) {
      try {
        const response = await fetchWithRetry(context.fetch, pending[index] as string, { headers: { 'user-agent': USER_AGENT } }, { ...retry, attempts: 2 });
        if (!response.ok) continue;
        const parsed = parseSitemap(await response.text());
        pages.push(...parsed.pages);
        pending.push(...parsed.sitemaps);
      } catch (error) {
        if (error instanceof SourceRateLimitedError) throw error;
        // A missing or broken sitemap only means fewer starting points.
      }
    }
    return pages;
  }

  const sameSite = (url: string) => new URL(url).origin === start.origin;

  async function fetchPage(url: string): Promise<SourceDocument | { error: string; status?: number }> {
    const response = await fetchWithRetry(
      context.fetch,
      url,
      { headers: { 'user-agent': USER_AGENT, accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } },
      retry,
    );
    if (!response.ok) {
      await response.body?.cancel();
      return { error: `${response.status} ${response.statusText}`, status: response.status };
    }
    const mimeType = response.headers.get('content-type') ?? 'text/html';
    const body = mimeType.includes('html') || mimeType.startsWith('text/') ? await response.text() : new Uint8Array(await response.arrayBuffer());
    const lastModified = response.headers.get('last-modified');
    return {
      externalId: url,
      title: null,
      url,
      body,
      mimeType,
      metadata: { host: start.host },
      updatedAt: lastModified && !Number.isNaN(Date.parse(lastModified)) ? new Date(lastModified).toISOString() : null,
    };
  }

  return {
    // Each page reads the frontier the page before it committed.
    sequential: true,
    async read(checkpoint: Checkpoint | null): Promise<SourcePage> {
      const rules = await robots();
      if (!checkpoint) {
        await frontier.reset();
        const seeds = [{ url: normalizeUrl(config.url, config.url) ?? config.url, depth: 0 }];
        if (config.extractionType === 'all') {
          for (const url of await sitemapUrls(rules)) {
            const normalized = normalizeUrl(url, config.url);
            if (normalized && sameSite(normalized)) seeds.push({ url: normalized, depth: 1 });
          }
        }
        await frontier.enqueue(seeds);
      }
      const before = await frontier.counts();
      const budget = Math.max(0, Math.min(PAGES_PER_READ, maxPages - before.visited));
      const batch = await frontier.next(budget);
      const delayMs = Math.max(config.delayMs, (rules.getCrawlDelay(USER_AGENT) ?? 0) * 1000);
      const documents: SourceDocument[] = [];
      const failures: Array<{ externalId: string; error: string }> = [];
      for (const [index, { url, depth }] of batch.entries()) {
        // A resumed crawl made requests in the page before: the delay holds across pages too.
        if ((index > 0 || checkpoint) && delayMs > 0) await sleep(delayMs, undefined, { signal: context.signal });
        context.heartbeat();
        await frontier.markVisited(url);
        if (rules.isAllowed(url, USER_AGENT) === false) continue;
        let fetched: SourceDocument | { error: string; status?: number };
        try {
          fetched = await fetchPage(url);
        } catch (error) {
          // Without its start page a crawl would find nothing, and a full sync would then remove every
          // page: a network failure there is retried, an address the policy refuses stops the sync. A
          // rate limit on any page reads the page again once it ends.
          if (context.signal.aborted || depth === 0 || error instanceof SourceRateLimitedError) throw error;
          fetched = { error: (error as Error).message };
        }
        if ('error' in fetched && depth === 0) throw startPageError(url, fetched);
        if ('error' in fetched) {
          failures.push({ externalId: url, error: fetched.error });
          continue;
        }
        documents.push(fetched);
        if (config.extractionType === 'all' && typeof fetched.body === 'string' && fetched.mimeType.includes('html')) {
          const links = extractLinks(fetched.body, url)
            .filter(sameSite)
            .map((link) => ({ url: link, depth: depth + 1 }));
          await frontier.enqueue(links);
        }
      }
      const after = await frontier.counts();
      const finished = after.visited >= maxPages || after.visited >= after.queued;
      return { documents, failures, next: finished ? null : { crawl: jobId }, total: Math.min(after.queued, maxPages) };
    },
  };
}

/** The start page's answer as the sync classifies it: 429 and 5xx are retried later, any other ends the sync with its reason. */
function startPageError(url: string, failure: { error: string; status?: number }): Error {
  const message = `The start URL ${url} could not be read: ${failure.error}`;
  return failure.status === undefined ? new SourceRefusedError(message) : new SourceHttpError(failure.status, message);
}
