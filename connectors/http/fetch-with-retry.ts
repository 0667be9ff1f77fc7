import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestInit, Response } from 'undici';
import type { HttpFetch } from '../../net/guarded-fetch.ts';
import { BlockedAddressError } from '../../net/guarded-fetch.ts';
import { retryAfterSeconds } from './source-errors.ts';

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called while waiting, so a long Retry-After does not look like a dead activity. */
  heartbeat?: () => void;
  signal?: AbortSignal;
}

/**
 * Fetches, retrying 429 (after its Retry-After) and 5xx and network errors with exponential backoff.
 * The last answer is returned whatever it is; the caller decides what a failure means.
 */
export async function fetchWithRetry(fetch: HttpFetch, url: string, init: RequestInit, options: RetryOptions = {}): Promise<Response> {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 60_000;
  for (let attempt = 1; ; attempt += 1) {
    let response: Response | undefined;
    try {
      response = await fetch(url, { ...init, ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      if (error instanceof BlockedAddressError || options.signal?.aborted || attempt >= attempts) throw error;
    }
    if (response && response.status !== 429 && response.status < 500) return response;
    if (response && attempt >= attempts) return response;
    const asked = response ? retryAfterSeconds(response.headers.get('retry-after'), new Date()) : undefined;
    await response?.body?.cancel();
    const delay = Math.min(asked !== undefined ? asked * 1000 : base * 2 ** (attempt - 1), max);
    await waitWithHeartbeat(delay, options);
  }
}

async function waitWithHeartbeat(ms: number, options: RetryOptions): Promise<void> {
  for (let left = ms; left > 0; left -= 5000) {
    options.heartbeat?.();
    await sleep(Math.min(left, 5000), undefined, options.signal ? { signal: options.signal } : undefined);
  }
}
