import { retryAfterSeconds } from './source-errors.ts';

/** The parts of an HTTP answer that tell a rate limit. */
interface RateLimitAnswer {
  status: number;
  headers: { get(name: string): string | null };
}

/**
 * When a rate-limited answer lets the caller ask again, or undefined when the answer is not a rate
 * limit with a known end: `Retry-After` (seconds or an HTTP date) on 429, 503 and GitHub's secondary
 * limit (403), or GitHub's primary limit, `x-ratelimit-remaining: 0` with `x-ratelimit-reset` in epoch
 * seconds, on 403 and 429.
 * @example
 * rateLimitedUntil({ status: 429, headers: new Headers({ 'retry-after': '2' }) }, now) // now + 2 s
 */
export function rateLimitedUntil(response: RateLimitAnswer, now: Date): Date | undefined {
  const { status, headers } = response;
  if (status !== 403 && status !== 429 && status !== 503) return undefined;
  const asked = retryAfterSeconds(headers.get('retry-after'), now);
  if (asked !== undefined) return new Date(now.getTime() + asked * 1000);
  if (status === 503 || headers.get('x-ratelimit-remaining')?.trim() !== '0') return undefined;
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (!headers.get('x-ratelimit-reset') || !Number.isFinite(reset)) return undefined;
  return new Date(Math.max(now.getTime(), reset * 1000));
}
