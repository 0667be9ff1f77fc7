import { setTimeout as sleep } from 'node:timers/promises';

/** A fault one API request of a provider server answers with, in that provider's wire format. */
export type Fault = { kind: 'rateLimit'; retryAfterSeconds: number } | { kind: 'serverError'; status: number };

export interface ProviderFaults {
  /** The API request after the next `afterRequests` answers the provider's rate limit with `Retry-After`. */
  rateLimitOnce(options: { retryAfterSeconds: number; afterRequests?: number }): void;
  /** The API request after the next `afterRequests` answers a 5xx. */
  failOnce(options: { status: number; afterRequests?: number }): void;
  /**
   * Every API request is answered no sooner than this long after it arrived, so a sync is still
   * running when a test acts on it; a latency raised while requests wait holds them too.
   */
  setLatency(ms: number): void;
  /** When the last injected fault was answered (epoch ms), once it was. */
  readonly lastFaultAt: number | undefined;
  /**
   * Called by the server for each API request, before it checks credentials: waits out the latency
   * and gives the fault this request must answer with, if any.
   */
  next(): Promise<Fault | undefined>;
}

export function createProviderFaults(): ProviderFaults {
  const pending: Array<{ fault: Fault; after: number }> = [];
  let latencyMs = 0;
  let lastFaultAt: number | undefined;
  return {
    rateLimitOnce({ retryAfterSeconds, afterRequests = 0 }) {
      pending.push({ fault: { kind: 'rateLimit', retryAfterSeconds }, after: afterRequests });
    },
    failOnce({ status, afterRequests = 0 }) {
      pending.push({ fault: { kind: 'serverError', status }, after: afterRequests });
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    get lastFaultAt() {
      return lastFaultAt;
    },
    async next() {
      const arrived = Date.now();
      for (let left = latencyMs; left > 0; left = arrived + latencyMs - Date.now()) await sleep(Math.min(left, 20));
      const due = pending.findIndex((entry) => entry.after <= 0);
      for (const entry of pending) entry.after -= 1;
      if (due === -1) return undefined;
      const [entry] = pending.splice(due, 1);
      lastFaultAt = Date.now();
      return entry?.fault;
    },
  };
}
