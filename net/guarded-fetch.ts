import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, fetch, Headers, type RequestInit, type Response } from 'undici';
import type { AddressPolicy } from './address-policy.ts';

export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
  readonly code = 'EBLOCKED';
}

export type HttpFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** A DNS lookup that fails for any address the policy refuses; shared by every client that connects out. */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const refused = list.find((entry) => !policy.allowsAddress(entry.address, hostname));
      if (refused) {
        const blocked = new BlockedAddressError(
          `${hostname} resolves to ${refused.address}, a private or local address; add it to TRIBUTARY_ALLOWED_HOSTS to allow it`,
        );
        return callback(blocked, '', 0);
      }
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} did not resolve`), '', 0);
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      return callback(null, first.address, first.family);
    });
  };
}

/**
 * A fetch whose every connection, redirects included, is checked against the address policy after
 * DNS resolution, so a hostname cannot smuggle a request to a private address. Only http and https
 * are fetched, and credentials are not carried across a redirect to another origin.
 */
export function createGuardedFetch(policy: AddressPolicy, options: { timeoutMs?: number } = {}): HttpFetch {
  const agent = new Agent({ connect: { lookup: guardedLookup(policy) } });
  const timeoutMs = options.timeoutMs ?? 30_000;

  return async (url, init = {}) => {
    const signal = init.signal ?? AbortSignal.timeout(timeoutMs);
    let target = new URL(url);
    let request: RequestInit = init;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      assertFetchable(target, hop > 0);
      assertLiteralAllowed(policy, target.hostname);
      const response = await fetch(target, { ...request, signal, dispatcher: agent, redirect: 'manual' });
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location || init.redirect === 'manual') return response;
      await response.body?.cancel();
      const next = new URL(location, target);
      request = redirectedRequest(request, response.status, next.origin === target.origin);
      target = next;
    }
    throw new Error(`More than ${MAX_REDIRECTS} redirects from ${String(url)}`);
  };
}

const MAX_REDIRECTS = 5;

/** Headers that carry the caller's credentials; a redirect to another origin must not receive them. */
const credentialHeaders = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];

/**
 * The request to send to a redirect's target, as the Fetch standard makes it: 303 (and 301/302 after
 * a POST) becomes a body-less GET, and another origin gets no credentials.
 */
function redirectedRequest(request: RequestInit, status: number, sameOrigin: boolean): RequestInit {
  const headers = new Headers(request.headers);
  const method = request.method?.toUpperCase() ?? 'GET';
  let next: RequestInit = request;
  if (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
    for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language']) headers.delete(name);
    next = { ...request, method: 'GET', body: null };
  }
  if (!sameOrigin) for (const name of credentialHeaders) headers.delete(name);
  return { ...next, headers };
}

/** Only http and https: a `data:` or `file:` URL would answer without any server, and bypass the address policy. */
function assertFetchable(target: URL, redirected: boolean): void {
  if (target.protocol === 'http:' || target.protocol === 'https:') return;
  const what = redirected ? 'a redirect to' : 'fetching';
  throw new BlockedAddressError(`Refused ${what} a ${target.protocol} URL; only http and https URLs are fetched`);
}

/** Connections to IP literals skip DNS, so callers check them before connecting. */
export function assertLiteralAllowed(policy: AddressPolicy, hostname: string): void {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !policy.allowsAddress(host)) {
    throw new BlockedAddressError(`${host} is a private or local address; add it to TRIBUTARY_ALLOWED_HOSTS to allow it`);
  }
}
