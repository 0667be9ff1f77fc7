// Pure arithmetic, free of zod, so the workflow bundle can use it.

/** Percent and ETA from the counters, the total and the elapsed time; null when the source gives no total. */
export function progressEstimate(done: number, total: number | null, startedAt: string, now: Date) {
  if (total === null || total <= 0) return { percent: null, etaSeconds: null };
  const fraction = Math.min(done / total, 1);
  const elapsed = (now.getTime() - Date.parse(startedAt)) / 1000;
  const etaSeconds = done > 0 && fraction < 1 ? Math.round((elapsed / done) * (total - done)) : fraction >= 1 ? 0 : null;
  return { percent: Math.round(fraction * 1000) / 10, etaSeconds };
}
