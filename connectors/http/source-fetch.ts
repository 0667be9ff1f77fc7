import type { HttpFetch } from '../../net/guarded-fetch.ts';
import type { ReadContext } from '../source.ts';
import { authorizedFetch, type IsRefused } from './authorized-fetch.ts';
import { fetchWithRetry } from './fetch-with-retry.ts';

/**
 * The fetch a SaaS reader sends every request through: the connector's credential as the
 * Authorization header, one token refresh when the provider refuses it, and beneath that rate limits
 * waited out (heartbeating) and 5xx and network failures retried. The retries sit beneath the
 * refresh, so a refresh the provider refuses fails the read at once instead of being retried with a
 * spent refresh token.
 * @example
 * const api = githubApi({ apiUrl: config.apiUrl, fetch: sourceFetch(context) });
 */
export function sourceFetch(
  context: Pick<ReadContext<unknown>, 'fetch' | 'credential' | 'refreshCredential' | 'heartbeat' | 'signal' | 'limits'>,
  options: { isRefused?: IsRefused } = {},
): HttpFetch {
  const retrying = retryingFetch(context);
  return context.credential ? authorizedFetch(retrying, context.credential, context.refreshCredential, options.isRefused) : retrying;
}

/**
 * The part of `sourceFetch` beneath the credential, for a source that authorizes its requests
 * another way (a service account's delegated token): rate limits waited out, failures retried.
 */
export function retryingFetch(context: Pick<ReadContext<unknown>, 'fetch' | 'heartbeat' | 'signal' | 'limits'>): HttpFetch {
  const retry = { heartbeat: () => context.heartbeat(), signal: context.signal, maxInlineWaitMs: context.limits.maxInlineRateLimitWaitMs };
  return (url, init = {}) => fetchWithRetry(context.fetch, String(url), init, retry);
}
