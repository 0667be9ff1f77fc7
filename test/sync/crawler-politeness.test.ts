import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.ts';
import { startControlPlane, waitForSync, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite, type FakeSite } from '../support/fake-site.ts';

describe.each(dialects)('crawling politely on %s', (dialect) => {
  let plane: ControlPlane;
  let site: FakeSite | undefined;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
  });
  afterEach(async () => {
    await site?.close();
    site = undefined;
  });
  afterAll(async () => {
    await plane?.close();
  });

  /** Creates a crawl of the site from its home page and runs one sync; returns the job and the page requests it made. */
  async function crawl(fakeSite: FakeSite, config: { maxPages?: number; delayMs: number }) {
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Polite crawl', type: 'web_scraper', config: { url: `${fakeSite.url}/`, extractionType: 'all', ...config } },
    });
    expect(created.status).toBe(201);
    // The creation check fetched the home page too: only what the sync asks for counts.
    const from = fakeSite.arrivals.length;
    const started = await plane.request('POST', `/v1/connectors/${created.body.data.id}/sync`);
    expect(started.status).toBe(202);
    const job = await waitForSync(plane, created.body.data.id, started.body.data.jobId, 60_000);
    const pages = fakeSite.arrivals.slice(from).filter((arrival) => arrival.path !== '/robots.txt' && arrival.path !== '/sitemap.xml');
    return { job, pages, gaps: pages.slice(1).map((arrival, index) => arrival.at - (pages[index] as { at: number }).at) };
  }

  it('stops at maxPages and waits delayMs between page requests, across pages of the sync', async () => {
    site = await startFakeSite({ extraPages: 20, failingPages: false });
    // Twelve URLs are more than one page of the sync (ten), so the delay must also hold between pages.
    const { job, pages, gaps } = await crawl(site, { maxPages: 12, delayMs: 300 });
    expect(job).toMatchObject({ status: 'succeeded', progress: { failed: 0 } });
    // Twelve URLs visited; /private/secret is one of them, refused by robots.txt without a request.
    expect(pages).toHaveLength(11);
    expect(job.progress.collected).toBe(11);
    expect(pages.some((arrival) => arrival.path.startsWith('/private'))).toBe(false);
    expect(Math.min(...gaps), JSON.stringify(gaps)).toBeGreaterThanOrEqual(290);
  });

  it('waits the robots.txt Crawl-delay when it is longer than delayMs', async () => {
    site = await startFakeSite({ failingPages: false, crawlDelaySeconds: 1 });
    const { job, pages, gaps } = await crawl(site, { maxPages: 4, delayMs: 0 });
    expect(job.status).toBe('succeeded');
    expect(pages.map((arrival) => arrival.path)).toEqual(['/', '/d', '/a', '/b']);
    expect(Math.min(...gaps), JSON.stringify(gaps)).toBeGreaterThanOrEqual(980);
  });

  it('asks again only after the Retry-After of a 429', async () => {
    site = await startFakeSite();
    // '/', '/d', '/a', '/b', '/private/secret' (refused by robots.txt), '/flaky', '/limited'.
    const { job, pages } = await crawl(site, { maxPages: 7, delayMs: 0 });
    expect(job).toMatchObject({ status: 'succeeded', progress: { indexed: 6, failed: 0 } });
    const limited = pages.filter((arrival) => arrival.path === '/limited');
    expect(limited).toHaveLength(2);
    // The fake site answers 429 with `Retry-After: 1` the first time.
    expect((limited[1] as { at: number }).at - (limited[0] as { at: number }).at).toBeGreaterThanOrEqual(980);
  });
});
