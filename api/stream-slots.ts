import type { ApiLimits } from '../config/limits.ts';
import { AppError } from '../application/errors.ts';

/** Long enough for a few streams to end; a client retrying sooner would only be refused again. */
const RETRY_AFTER_SECONDS = 5;

/** Gives up the slot; called once, when the stream has ended however it ended. */
export type ReleaseSlot = () => void;

/**
 * Counts the live-progress streams open at once, in all and per API key, and refuses one past either
 * cap with a 429 that names the cap.
 * @example const release = slots.acquire(principal.keyId); try { await follow() } finally { release() }
 */
export function createStreamSlots(limits: Pick<ApiLimits, 'maxStreams' | 'maxStreamsPerKey'>) {
  let total = 0;
  const perKey = new Map<string, number>();

  function refuse(message: string, limit: string, max: number): AppError {
    return new AppError('too_many_requests', message, { limit, max }, { retryAfterSeconds: RETRY_AFTER_SECONDS });
  }

  return {
    acquire(keyId: string): ReleaseSlot {
      const held = perKey.get(keyId) ?? 0;
      if (held >= limits.maxStreamsPerKey) {
        throw refuse(
          `This API key already has ${limits.maxStreamsPerKey} live-progress streams open (TRIBUTARY_MAX_STREAMS_PER_KEY); close one or retry later`,
          'streams_per_key',
          limits.maxStreamsPerKey,
        );
      }
      if (total >= limits.maxStreams) {
        throw refuse(`The API already has ${limits.maxStreams} live-progress streams open (TRIBUTARY_MAX_STREAMS); retry later`, 'streams', limits.maxStreams);
      }
      total += 1;
      perKey.set(keyId, held + 1);
      return () => {
        total -= 1;
        const left = (perKey.get(keyId) ?? 1) - 1;
        if (left === 0) perKey.delete(keyId);
        else perKey.set(keyId, left);
      };
    },
  };
}
