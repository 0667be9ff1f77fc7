// Pure arithmetic, free of zod, so the workflow bundle can use it.
import type { SyncStatus } from './sync-job.ts';

/**
 * Percent and ETA from the counters, the total and the elapsed time; null when the source gives no total.
 * A succeeded job is complete whatever the source's estimate said; a job that ended otherwise keeps
 * its percent but has nothing left to wait for.
 * @example progressEstimate({ done: 50, total: 200, startedAt: '2030-01-01T00:00:00Z', now, status: 'running' })
 */
export function progressEstimate(progress: { done: number; total: number | null; startedAt: string; now: Date; status: SyncStatus }): {
  percent: number | null;
  etaSeconds: number | null;
} {
  const { done, total, startedAt, now, status } = progress;
  if (status === 'succeeded') return { percent: 100, etaSeconds: 0 };
  if (total === null || total <= 0) return { percent: null, etaSeconds: null };
  const fraction = Math.min(done / total, 1);
  const percent = Math.round(fraction * 1000) / 10;
  if (status === 'failed' || status === 'canceled') return { percent, etaSeconds: null };
  const elapsed = (now.getTime() - Date.parse(startedAt)) / 1000;
  const etaSeconds = fraction >= 1 ? 0 : done > 0 ? Math.round((elapsed / done) * (total - done)) : null;
  return { percent, etaSeconds };
}
