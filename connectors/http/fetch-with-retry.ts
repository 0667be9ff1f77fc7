import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestInit, Response } from 'undici';
import { BlockedAddressError, type HttpFetch } from '../../net/guarded-fetch.ts';
import { rateLimitedUntil } from './rate-limit.ts';
import { SourceRateLimitedError } from './source-errors.ts';

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The longest rate limit waited out in place (default 60 s); a longer one throws `SourceRateLimitedError`. */
  maxInlineWaitMs?: number;
  /** Called while waiting, so a long Retry-After does not look like a dead activity. */
  heartbeat?: () => void;
  signal?: AbortSignal;
}

/**
 * Fetches, waiting out rate limits and retrying 5xx and network failures with exponential backoff.
 * A rate limit that ends too late to wait for here, or still holds after the last attempt, throws
 * `SourceRateLimitedError` with its end; any other last answer is returned, and the caller decides
 * what a failure means.
 */
export async function fetchWithRetry(fetch: HttpFetch, url: string, init: RequestInit, options: RetryOptions = {}): Promise<Response> {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 60_000;
  const maxInlineWaitMs = options.maxInlineWaitMs ?? 60_000;
  for (let attempt = 1; ; attempt += 1) {
    let response: Response | undefined;
    try {
      response = await fetch(url, { ...init, ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      // Only a failure to reach the source is worth another try; a refusal of ours (a blocked address,
      // a token refresh the provider turned down) would only be repeated.
      if (!isNetworkFailure(error) || options.signal?.aborted || attempt >= attempts) throw error;
    }
    const now = new Date();
    const resumeAt = response ? rateLimitedUntil(response, now) : undefined;
    if (response && !resumeAt && response.status !== 429 && response.status < 500) return response;
    if (response && !resumeAt && attempt >= attempts) return response;
    await response?.body?.cancel();
    const wait = resumeAt ? resumeAt.getTime() - now.getTime() : Math.min(base * 2 ** (attempt - 1), max);
    if (resumeAt && (wait > maxInlineWaitMs || attempt >= attempts)) {
      throw new SourceRateLimitedError(`${url} is rate-limited (HTTP ${response?.status}) until ${resumeAt.toISOString()}`, resumeAt);
    }
    await waitWithHeartbeat(wait, options);
  }
}

/**
 * undici's fetch rejects with a TypeError when it cannot connect, resolve or read (the cause says
 * which); an address the policy refused at lookup is no failure of the network.
 */
function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && !(error.cause instanceof BlockedAddressError);
}

async function waitWithHeartbeat(ms: number, options: RetryOptions): Promise<void> {
  for (let left = ms; left > 0; left -= 5000) {
    options.heartbeat?.();
    await sleep(Math.min(left, 5000), undefined, options.signal ? { signal: options.signal } : undefined);
  }
}
