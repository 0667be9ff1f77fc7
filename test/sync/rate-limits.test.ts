import type { OutgoingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimitedUntil } from '../../connectors/http/rate-limit.ts';
import { dialects } from '../support/databases.ts';
import { eventually, startControlPlane, waitForSync, type ControlPlane } from '../support/control-plane.ts';
import { startLocalServer, type LocalServer } from '../support/http-server.ts';

/** Limits up to this long are slept out in the page; longer ones retry the page when they end. */
const MAX_INLINE_WAIT_MS = 2500;

describe('reading a rate limit', () => {
  const now = new Date('2026-03-02T10:00:00.000Z');
  const answer = (status: number, headers: Record<string, string>) => ({ status, headers: new Headers(headers) });

  it('reads Retry-After as seconds or as an HTTP date, on 429, 503 and 403', () => {
    expect(rateLimitedUntil(answer(429, { 'retry-after': '2' }), now)).toEqual(new Date('2026-03-02T10:00:02.000Z'));
    expect(rateLimitedUntil(answer(503, { 'retry-after': 'Mon, 02 Mar 2026 10:01:00 GMT' }), now)).toEqual(new Date('2026-03-02T10:01:00.000Z'));
    expect(rateLimitedUntil(answer(403, { 'retry-after': '30' }), now)).toEqual(new Date('2026-03-02T10:00:30.000Z'));
    expect(rateLimitedUntil(answer(429, { 'retry-after': 'Mon, 02 Mar 2026 09:00:00 GMT' }), now)).toEqual(now);
  });

  it('reads GitHub’s primary limit from x-ratelimit-remaining and x-ratelimit-reset', () => {
    const reset = String(Date.parse('2026-03-02T10:05:00.000Z') / 1000);
    expect(rateLimitedUntil(answer(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), now)).toEqual(new Date('2026-03-02T10:05:00.000Z'));
    expect(rateLimitedUntil(answer(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), now)).toEqual(new Date('2026-03-02T10:05:00.000Z'));
  });

  it('does not take other answers for a rate limit', () => {
    const reset = String(Date.parse('2026-03-02T10:05:00.000Z') / 1000);
    expect(rateLimitedUntil(answer(403, {}), now)).toBeUndefined();
    expect(rateLimitedUntil(answer(403, { 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': reset }), now)).toBeUndefined();
    expect(rateLimitedUntil(answer(503, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), now)).toBeUndefined();
    expect(rateLimitedUntil(answer(429, {}), now)).toBeUndefined();
    expect(rateLimitedUntil(answer(200, { 'retry-after': '2' }), now)).toBeUndefined();
    expect(rateLimitedUntil(answer(429, { 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});

describe.each(dialects)('syncing a rate-limited source on %s', (dialect) => {
  let plane: ControlPlane;

  beforeAll(async () => {
    plane = await startControlPlane(dialect, { limits: { maxInlineRateLimitWaitMs: MAX_INLINE_WAIT_MS } });
  });
  afterAll(async () => {
    await plane?.close();
  });

  /** Creates a crawl of the site and starts one sync of it. */
  async function startCrawl(site: RateLimitedSite) {
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Rate-limited site', type: 'web_scraper', config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0 } },
    });
    expect(created.status).toBe(201);
    const connectorId: string = created.body.data.id;
    const started = await plane.request('POST', `/v1/connectors/${connectorId}/sync`);
    expect(started.status).toBe(202);
    return { connectorId, jobId: started.body.data.jobId as string };
  }

  /** Syncs a site whose /limited page answers the given limit once; returns the job and when /limited was asked. */
  async function syncPastLimit(limit: () => { status: number; headers: OutgoingHttpHeaders }) {
    const site = await startRateLimitedSite(limit);
    try {
      const { connectorId, jobId } = await startCrawl(site);
      const job = await waitForSync(plane, connectorId, jobId, 20_000);
      return { job, limitedAsked: site.limitedArrivals(), limitAnswer: site.limitAnswer() };
    } finally {
      await site.close();
    }
  }

  it.concurrent('waits out a 429 for its Retry-After in seconds', async ({ expect }) => {
    const { job, limitedAsked } = await syncPastLimit(() => ({ status: 429, headers: { 'retry-after': '2' } }));
    expect(job).toMatchObject({ status: 'succeeded', phase: 'done', resumeAt: null, progress: { collected: 3, indexed: 3, failed: 0 } });
    expect(limitedAsked).toHaveLength(2);
    expect(limitedAsked[1]! - limitedAsked[0]!).toBeGreaterThanOrEqual(2000);
  });

  it.concurrent('waits out a 429 until its Retry-After as an HTTP date', async ({ expect }) => {
    const { job, limitedAsked, limitAnswer } = await syncPastLimit(() => ({
      status: 429,
      headers: { 'retry-after': new Date(Math.floor((Date.now() + 2000) / 1000) * 1000).toUTCString() },
    }));
    expect(job).toMatchObject({ status: 'succeeded', progress: { collected: 3, failed: 0 } });
    expect(limitedAsked).toHaveLength(2);
    expect(limitedAsked[1]!).toBeGreaterThanOrEqual(Date.parse(String(limitAnswer?.headers['retry-after'])));
  });

  it.concurrent('waits out GitHub’s primary limit until x-ratelimit-reset', async ({ expect }) => {
    const { job, limitedAsked, limitAnswer } = await syncPastLimit(() => ({
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor((Date.now() + 2000) / 1000)) },
    }));
    expect(job).toMatchObject({ status: 'succeeded', progress: { collected: 3, indexed: 3, failed: 0 } });
    expect(limitedAsked).toHaveLength(2);
    expect(limitedAsked[1]!).toBeGreaterThanOrEqual(Number(limitAnswer?.headers['x-ratelimit-reset']) * 1000);
  });

  it.concurrent('waits out a 503 for its Retry-After', async ({ expect }) => {
    const { job, limitedAsked } = await syncPastLimit(() => ({ status: 503, headers: { 'retry-after': '2' } }));
    expect(job).toMatchObject({ status: 'succeeded', progress: { collected: 3, failed: 0 } });
    expect(limitedAsked).toHaveLength(2);
    expect(limitedAsked[1]! - limitedAsked[0]!).toBeGreaterThanOrEqual(2000);
  });

  it('shows a limit longer than the page should wait as phase rate_limited, and reads the page again when it ends', async () => {
    const site = await startRateLimitedSite(() => ({ status: 429, headers: { 'retry-after': '4' } }));
    try {
      const { connectorId, jobId } = await startCrawl(site);
      const limited = await eventually(async () => {
        const response = await plane.request('GET', `/v1/connectors/${connectorId}/sync/${jobId}`);
        expect(response.body.data).toMatchObject({ status: 'running', phase: 'rate_limited' });
        return response.body.data;
      }, 10_000);
      const [firstAsked] = site.limitedArrivals();
      const resumeAt = Date.parse(limited.resumeAt);
      expect(Math.abs(resumeAt - (firstAsked! + 4000))).toBeLessThan(500);

      const job = await waitForSync(plane, connectorId, jobId, 20_000);
      expect(job).toMatchObject({ status: 'succeeded', phase: 'done', resumeAt: null, progress: { collected: 3, indexed: 3, failed: 0 } });
      const asked = site.limitedArrivals();
      expect(asked).toHaveLength(2);
      expect(asked[1]!).toBeGreaterThanOrEqual(resumeAt);
    } finally {
      await site.close();
    }
  });
});

interface RateLimitedSite extends LocalServer {
  /** When /limited was asked for (ms since the epoch), in order. */
  limitedArrivals(): number[];
  /** The rate-limited answer /limited gave, once it gave it. */
  limitAnswer(): { status: number; headers: OutgoingHttpHeaders } | undefined;
}

/** A three-page site whose /limited page answers the limit the first time it is asked, then its page. */
async function startRateLimitedSite(limit: () => { status: number; headers: OutgoingHttpHeaders }): Promise<RateLimitedSite> {
  const arrivals: number[] = [];
  let given: { status: number; headers: OutgoingHttpHeaders } | undefined;
  const html = (body: string) => `<!doctype html><html><head><title>Page</title></head><body>${body}</body></html>`;
  const server = await startLocalServer((request, response) => {
    const pages: Record<string, string> = { '/': '<a href="/a">A</a> <a href="/limited">limited</a>', '/a': 'Alpha.', '/limited': 'Limited.' };
    const body = pages[request.path];
    if (request.path === '/limited') {
      arrivals.push(Date.now());
      if (arrivals.length === 1) {
        given = limit();
        response.writeHead(given.status, given.headers);
        return response.end('slow down');
      }
    }
    if (body === undefined) {
      response.writeHead(404);
      return response.end('not found');
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return response.end(html(body));
  });
  return { ...server, limitedArrivals: () => [...arrivals], limitAnswer: () => given };
}
