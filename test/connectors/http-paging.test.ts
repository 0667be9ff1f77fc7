import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseLinkHeader, readPage, type Listing, type PagePosition } from '../../connectors/http/paging.ts';
import { SourceHttpError, SourceRefusedError } from '../../connectors/http/source-errors.ts';
import { AddressPolicy } from '../../net/address-policy.ts';
import { createGuardedFetch } from '../../net/guarded-fetch.ts';
import { sendJson, startLocalServer, type LocalServer } from '../support/http-server.ts';

const fetch = createGuardedFetch(new AddressPolicy(['127.0.0.0/8', 'localhost']));
const seeded = Array.from({ length: 8 }, (_, index) => ({ id: `item-${index + 1}` }));
const pageSize = 3;
const item = z.object({ id: z.string() });

describe('paging a listing', () => {
  let api: LocalServer;
  // Where the hostile listings point their next page: loopback too, but another origin.
  let elsewhere: string;

  beforeAll(async () => {
    api = await startLocalServer((request, response) => {
      const url = new URL(request.path, 'http://api.test');
      const slice = (start: number) => ({ items: seeded.slice(start, start + pageSize), after: start + pageSize });
      if (url.pathname === '/api/conversations.list') {
        // Slack: the cursor in `response_metadata`, empty on the last page.
        const { items, after } = slice(Number(url.searchParams.get('cursor')?.replace('dXNlcj', '') ?? 0));
        return sendJson(response, 200, { ok: true, channels: items, response_metadata: { next_cursor: after < seeded.length ? `dXNlcj${after}` : '' } });
      }
      if (url.pathname === '/v1/search' && request.method === 'POST') {
        // Notion: POST with `start_cursor` in the body; `has_more` says whether the cursor leads anywhere.
        const body = JSON.parse(request.body) as { query: string; start_cursor?: string };
        if (body.query !== 'handbook') return sendJson(response, 400, { message: 'query lost' });
        const { items, after } = slice(Number(body.start_cursor ?? 0));
        return sendJson(response, 200, { results: items, next_cursor: String(after), has_more: after < seeded.length });
      }
      if (url.pathname === '/repos/acme/handbook/issues') {
        // GitHub: a top-level array and a Link header with several links, the next one not always first.
        const page = Number(url.searchParams.get('page') ?? 1);
        const { items, after } = slice((page - 1) * pageSize);
        const link = (n: number) => `<${api.url}/repos/acme/handbook/issues?per_page=3&page=${n}>`;
        const links = [`${link(1)}; rel="first"`, `${link(3)}; rel="last"`];
        if (after < seeded.length) links.unshift(`${link(page + 1).replace('http://', 'http://reader:s3cret@')}; title="page, next"; rel="next"`);
        response.setHeader('link', links.join(', '));
        return sendJson(response, 200, items);
      }
      if (url.pathname === '/wiki/rest/api/content') {
        // Confluence: `_links.next` relative to the base, which has a path of its own.
        const { items, after } = slice(Number(url.searchParams.get('start') ?? 0));
        return sendJson(response, 200, { results: items, _links: after < seeded.length ? { next: `/rest/api/content?limit=3&start=${after}` } : {} });
      }
      if (url.pathname === '/wiki/api/v2/pages') {
        const { items, after } = slice(Number(url.searchParams.get('cursor') ?? 0));
        return sendJson(response, 200, { results: items, _links: after < seeded.length ? { next: `/wiki/api/v2/pages?cursor=${after}` } : {} });
      }
      if (url.pathname === '/hostile/next-url') return sendJson(response, 200, { results: [], _links: { next: `${elsewhere}/steal` } });
      if (url.pathname === '/hostile/link') {
        response.setHeader('link', `<${elsewhere}/steal>; rel="next"`);
        return sendJson(response, 200, []);
      }
      sendJson(response, 404, { message: 'Not Found' });
    });
    elsewhere = api.url.replace('127.0.0.1', 'localhost');
  });
  afterAll(async () => {
    await api?.close();
  });

  const slack = (): Listing<{ id: string }> => ({
    service: 'Slack',
    baseUrl: `${api.url}/api`,
    request: { path: '/conversations.list?limit=3', headers: { authorization: 'Bearer xoxb-secret' } },
    itemsAt: 'channels',
    item,
    paging: { kind: 'bodyCursor', cursorAt: 'response_metadata.next_cursor', sendAs: { query: 'cursor' } },
  });
  const notion = (): Listing<{ id: string }> => ({
    service: 'Notion',
    baseUrl: api.url,
    request: { path: '/v1/search', method: 'POST', json: { query: 'handbook', page_size: 3 } },
    itemsAt: 'results',
    item,
    paging: { kind: 'bodyCursor', cursorAt: 'next_cursor', hasMoreAt: 'has_more', sendAs: { bodyField: 'start_cursor' } },
  });
  const github = (): Listing<{ id: string }> => ({
    service: 'GitHub',
    baseUrl: api.url,
    request: { path: '/repos/acme/handbook/issues?per_page=3' },
    itemsAt: '',
    item,
    paging: { kind: 'linkHeader' },
  });
  const confluence = (): Listing<{ id: string }> => ({
    service: 'Confluence',
    baseUrl: `${api.url}/wiki`,
    request: { path: '/rest/api/content?limit=3' },
    itemsAt: 'results',
    item,
    paging: { kind: 'nextUrl', nextUrlAt: '_links.next' },
  });

  it.each([
    ['an opaque cursor in the body, sent as a query parameter', slack],
    ['an opaque cursor in the body, sent in a POST body', notion],
    ['a Link header', github],
    ['a next URL relative to the base', confluence],
  ])('walks every page of %s, in order', async (_shape, listing) => {
    const { items, positions } = await walk(listing(), null);
    expect(items).toEqual(seeded);
    expect(positions).toHaveLength(Math.ceil(seeded.length / pageSize) - 1);
    // Positions go into the checkpoint: plain JSON without the origin, user info or headers.
    for (const position of positions) {
      expect(JSON.parse(JSON.stringify(position))).toEqual(position);
      expect(JSON.stringify(position)).not.toMatch(/s3cret|xoxb|127\.0\.0\.1/);
    }
  });

  it.each([
    ['Slack', slack],
    ['Notion', notion],
    ['GitHub', github],
    ['Confluence', confluence],
  ])('resumes a %s listing from a saved position at the page it points to', async (_service, listing) => {
    const first = await readPage(fetch, listing(), null);
    const saved = JSON.parse(JSON.stringify(first.next)) as PagePosition;
    const second = await readPage(fetch, listing(), saved);
    expect(second.items).toEqual(seeded.slice(pageSize, 2 * pageSize));
    expect((await walk(listing(), saved)).items).toEqual(seeded.slice(pageSize));
  });

  it('resolves a next URL against the origin when told to', async () => {
    const listing: Listing<{ id: string }> = {
      ...confluence(),
      request: { path: '/api/v2/pages?limit=3' },
      paging: { kind: 'nextUrl', nextUrlAt: '_links.next', relativeTo: 'origin' },
    };
    const { items, positions } = await walk(listing, null);
    expect(items).toEqual(seeded);
    expect(positions[0]).toEqual({ url: '/wiki/api/v2/pages?cursor=3' });
  });

  it('refuses a next page on another origin, from a body link or a Link header', async () => {
    const nextUrl = readPage(fetch, { ...confluence(), baseUrl: api.url, request: { path: '/hostile/next-url' } }, null);
    await expect(nextUrl).rejects.toThrow(SourceRefusedError);
    await expect(nextUrl).rejects.toThrow(`Confluence pointed the next page to ${elsewhere}, not its configured origin ${api.url}`);
    await expect(readPage(fetch, { ...github(), request: { path: '/hostile/link' } }, null)).rejects.toThrow(SourceRefusedError);
    // A tampered checkpoint is refused the same way.
    await expect(readPage(fetch, github(), { url: '//localhost/steal' })).rejects.toThrow(SourceRefusedError);
  });

  it('throws what the source answered when a page fails', async () => {
    const missing = readPage(fetch, { ...confluence(), request: { path: '/rest/api/nowhere' } }, null);
    await expect(missing).rejects.toThrow(SourceHttpError);
    await expect(missing).rejects.toMatchObject({ status: 404, message: 'Confluence answered 404 Not Found: {"message":"Not Found"}' });
  });

  async function walk(listing: Listing<{ id: string }>, from: PagePosition | null) {
    const items: Array<{ id: string }> = [];
    const positions: PagePosition[] = [];
    let position = from;
    do {
      const page = await readPage(fetch, listing, position);
      items.push(...page.items);
      position = page.next;
      if (position) positions.push(position);
    } while (position && positions.length < 10);
    return { items, positions };
  }
});

describe('parsing a Link header', () => {
  it('finds every link with its relation types, whatever the quoting and order', () => {
    const header = [
      '<https://api.example.com/items?page=2>; rel="next last"',
      '<https://api.example.com/items?page=1>;rel=first;title="one; or, two"',
      '<https://api.example.com/items?page=0> ; title*=UTF-8\'\'pr%C3%A9c ; REL="Prev"',
    ].join(', ');
    expect(parseLinkHeader(header)).toEqual([
      { url: 'https://api.example.com/items?page=2', rels: ['next', 'last'] },
      { url: 'https://api.example.com/items?page=1', rels: ['first'] },
      { url: 'https://api.example.com/items?page=0', rels: ['prev'] },
    ]);
  });

  it('keeps commas and angle brackets inside quoted parameters out of the link list', () => {
    expect(parseLinkHeader('<https://a.example/1>; title="x, <https://evil.example/>"; rel="next", <https://a.example/9>; rel=last')).toEqual([
      { url: 'https://a.example/1', rels: ['next'] },
      { url: 'https://a.example/9', rels: ['last'] },
    ]);
  });

  it('finds no next link when there is none', () => {
    expect(parseLinkHeader('<https://a.example/1>; rel="prev", <https://a.example/0>; rel="first"').some((link) => link.rels.includes('next'))).toBe(false);
    expect(parseLinkHeader('')).toEqual([]);
    expect(parseLinkHeader('garbage; rel=next')).toEqual([]);
  });
});
