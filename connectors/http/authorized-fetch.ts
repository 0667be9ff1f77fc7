import { Headers, type RequestInit, type Response } from 'undici';
import type { HttpFetch } from '../../net/guarded-fetch.ts';
import type { OpenedCredential } from '../connector-definition.ts';
import { authorizationHeader } from './http-check.ts';

/** Gives a credential to use instead of one the source answered 401 to; `ReadContext.refreshCredential` is one. */
export type RefreshCredential = (refused: OpenedCredential) => Promise<OpenedCredential | undefined>;

/** Whether an answer refuses the token; a provider that answers 200 with an error body (Slack's `token_expired`) reads a clone. */
export type IsRefused = (response: Response) => Promise<boolean> | boolean;

const answered401: IsRefused = (response) => response.status === 401;

/**
 * A fetch that sends the credential's Authorization header and, when the source refuses it (401 unless `isRefused` says otherwise), asks
 * `refresh` once for a new credential and repeats the request with it. A 401 that persists, a 403 or
 * a credential that did not change is handed back for the caller's error mapping (CredentialRefused);
 * a refresh the provider refuses throws its `OAuthExchangeError`. Request bodies must be replayable
 * (a string or bytes, not a stream).
 * @example
 * const fetch = authorizedFetch(context.fetch, context.credential, context.refreshCredential);
 * const response = await fetchWithRetry(fetch, url, { headers: { accept: 'application/json' } });
 */
export function authorizedFetch(fetch: HttpFetch, credential: OpenedCredential, refresh?: RefreshCredential, isRefused: IsRefused = answered401): HttpFetch {
  // Shared by every request of the source, so a refreshed token serves the requests that follow.
  let current = credential;
  const send = (url: string | URL, init: RequestInit, using: OpenedCredential): Promise<Response> => {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(authorizationHeader(using))) headers.set(name, value);
    return fetch(url, { ...init, headers });
  };
  return async (url, init = {}) => {
    const used = current;
    const response = await send(url, init, used);
    if (!refresh || !(await isRefused(response))) return response;
    const fresh = await refresh(used);
    if (!fresh || sameAuthorization(fresh, used)) return response;
    await response.body?.cancel();
    current = fresh;
    return send(url, init, fresh);
  };
}

function sameAuthorization(a: OpenedCredential, b: OpenedCredential): boolean {
  return authorizationHeader(a).authorization === authorizationHeader(b).authorization;
}
