import type { RequestInit, Response } from 'undici';
import type { z } from 'zod';
import type { HttpFetch } from '../../net/guarded-fetch.ts';
import { SourceHttpError, SourceRefusedError } from './source-errors.ts';

/**
 * Where the next page of a listing starts, as plain JSON for the sync checkpoint: the provider's
 * opaque cursor, or the path and query of the next page's URL (never its origin or user info).
 */
export type PagePosition = { cursor: string } | { url: string };

export interface ListingPage<Item> {
  items: Item[];
  /** Null after the last page. */
  next: PagePosition | null;
}

/** How a listing tells where its next page is. Paths into the JSON body are dotted: `response_metadata.next_cursor`. */
export type PagingShape =
  /** An opaque cursor in the body, sent back as a query parameter or as a field of the JSON body. */
  | { kind: 'bodyCursor'; cursorAt: string; sendAs: { query: string } | { bodyField: string }; hasMoreAt?: string }
  /** An RFC 8288 `Link: <...>; rel="next"` header, resolved against the request URL. */
  | { kind: 'linkHeader' }
  /**
   * A next URL in the body. `relativeTo: 'base'` (the default) puts the base URL's path before a
   * link that starts with `/`, as Confluence's `_links.next` needs; `'origin'` resolves it as a browser would.
   */
  | { kind: 'nextUrl'; nextUrlAt: string; relativeTo?: 'base' | 'origin' };

export interface Listing<Item> {
  /** Used in error messages: `Confluence answered 404 ...`. */
  service: string;
  /** The API's base URL, e.g. `https://example.atlassian.net/wiki`; every page stays on its origin. */
  baseUrl: string;
  /** The first page's request: a path (with query) under the base URL, and a JSON body for POST listings. */
  request: { path: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; json?: Record<string, unknown> };
  /** Where the items are in the body; `''` when the body is the array itself. */
  itemsAt: string;
  /** Checks and types each item; a provider's wire schema. */
  item: z.ZodType<Item>;
  paging: PagingShape;
}

/**
 * Reads one page of a listing: the first when `position` is null, else the one a previous page
 * pointed to, so a sync that crashed resumes on the page it was reading. Non-2xx answers throw
 * `SourceHttpError`; a next page on another origin throws `SourceRefusedError`.
 * @example
 * const listing = { service: 'Slack', baseUrl: 'https://slack.com/api', request: { path: '/conversations.list?limit=200' },
 *   itemsAt: 'channels', item: channelSchema,
 *   paging: { kind: 'bodyCursor', cursorAt: 'response_metadata.next_cursor', sendAs: { query: 'cursor' } } } as const;
 * const page = await readPage(fetch, listing, checkpoint?.cursor ? { cursor: checkpoint.cursor } : null);
 */
export async function readPage<Item>(fetch: HttpFetch, listing: Listing<Item>, position: PagePosition | null): Promise<ListingPage<Item>> {
  const base = new URL(listing.baseUrl);
  const url = pageUrl(listing, base, position);
  const response = await fetch(url, requestInit(listing, position));
  const body = await jsonBody(listing.service, response);
  const raw = valueAt(body, listing.itemsAt);
  if (!Array.isArray(raw)) throw new SourceRefusedError(`${listing.service} answered without a list at "${listing.itemsAt}"`);
  return { items: raw.map((entry) => listing.item.parse(entry)), next: nextPosition(listing, base, url, response, body) };
}

function pageUrl(listing: Listing<unknown>, base: URL, position: PagePosition | null): URL {
  const url = position && 'url' in position ? new URL(position.url, base.origin) : new URL(joinPath(base, listing.request.path));
  assertSameOrigin(listing.service, base, url);
  const { query } = sendAsOf(listing);
  if (position && 'cursor' in position && query) url.searchParams.set(query, position.cursor);
  return url;
}

function requestInit(listing: Listing<unknown>, position: PagePosition | null): RequestInit {
  const { method = 'GET', headers, json } = listing.request;
  const { bodyField } = sendAsOf(listing);
  const cursorField = position && 'cursor' in position && bodyField ? { [bodyField]: position.cursor } : {};
  const body = json || Object.keys(cursorField).length > 0 ? JSON.stringify({ ...json, ...cursorField }) : undefined;
  return {
    method,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body }),
  };
}

function sendAsOf(listing: Listing<unknown>): { query?: string; bodyField?: string } {
  return listing.paging.kind === 'bodyCursor' ? listing.paging.sendAs : {};
}

async function jsonBody(service: string, response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw SourceHttpError.fromResponse(response, text, service);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SourceRefusedError(`${service} answered with a body that is not JSON`);
  }
}

function nextPosition(listing: Listing<unknown>, base: URL, url: URL, response: Response, body: unknown): PagePosition | null {
  const { paging } = listing;
  switch (paging.kind) {
    case 'bodyCursor': {
      const cursor = valueAt(body, paging.cursorAt);
      if (paging.hasMoreAt !== undefined && valueAt(body, paging.hasMoreAt) !== true) return null;
      return typeof cursor === 'string' && cursor !== '' ? { cursor } : null;
    }
    case 'linkHeader': {
      const next = parseLinkHeader(response.headers.get('link') ?? '').find((link) => link.rels.includes('next'));
      return next ? urlPosition(listing.service, base, new URL(next.url, url)) : null;
    }
    case 'nextUrl': {
      const next = valueAt(body, paging.nextUrlAt);
      if (typeof next !== 'string' || next === '') return null;
      const resolved = next.startsWith('/') && !next.startsWith('//') && paging.relativeTo !== 'origin' ? joinPath(base, next) : new URL(next, base);
      return urlPosition(listing.service, base, new URL(resolved));
    }
  }
}

function urlPosition(service: string, base: URL, next: URL): PagePosition {
  return { url: pathOnOrigin(service, base, next) };
}

/**
 * The path and query of a link a provider handed out, refused unless it is on the base's origin:
 * the origin is the base's, and user info in a link must not reach a checkpoint or a cursor.
 * @example
 * pathOnOrigin('SharePoint', new URL('https://graph.microsoft.com'), new URL('https://graph.microsoft.com/v1.0/drives/b1/root/delta?token=x'))
 * // '/v1.0/drives/b1/root/delta?token=x'
 */
export function pathOnOrigin(service: string, base: URL, link: URL): string {
  assertSameOrigin(service, base, link);
  return `${link.pathname}${link.search}`;
}

function assertSameOrigin(service: string, base: URL, url: URL): void {
  if (url.origin !== base.origin) {
    throw new SourceRefusedError(`${service} pointed the next page to ${url.origin}, not its configured origin ${base.origin}; refusing to follow it`);
  }
}

/** The base URL's path followed by `path`, which starts with `/` (a plain URL resolution would drop the base's path). */
function joinPath(base: URL, path: string): string {
  return `${base.origin}${base.pathname.replace(/\/$/, '')}${path}`;
}

function valueAt(body: unknown, path: string): unknown {
  if (path === '') return body;
  let value = body;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export interface Link {
  url: string;
  /** Relation types, lower-cased: `rel="next last"` gives both. */
  rels: string[];
}

/**
 * The links of an RFC 8288 `Link` header: several per header, parameters in any order, quoted
 * values holding commas or semicolons, unquoted `rel=next`. Malformed parts are skipped.
 * @example
 * parseLinkHeader('<https://api.github.com/repos?page=2>; rel="next", <...?page=5>; rel="last"')
 */
export function parseLinkHeader(header: string): Link[] {
  const links: Link[] = [];
  // A target in angle brackets, then `; name[=value]` parameters whose value is a token or a quoted string.
  const linkPattern = /<([^>]*)>((?:\s*;\s*[^\s=;,]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;,]*))?)*)/g;
  const paramPattern = /;\s*([^\s=;,]+)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;,]*)))?/g;
  for (const [, url = '', params = ''] of header.matchAll(linkPattern)) {
    let rels: string[] = [];
    for (const [, name = '', quoted, bare] of params.matchAll(paramPattern)) {
      // The first rel counts (RFC 8288 section 3.3); later duplicates are ignored.
      if (name.toLowerCase() !== 'rel' || rels.length > 0) continue;
      const value = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '').trim();
      rels = value.toLowerCase().split(/\s+/).filter(Boolean);
    }
    links.push({ url: url.trim(), rels });
  }
  return links;
}
