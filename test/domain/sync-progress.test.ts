import { describe, expect, it } from 'vitest';
import { progressEstimate } from '../../domain/sync-progress.ts';

const startedAt = '2030-01-01T00:00:00Z';
const now = new Date('2030-01-01T00:01:40Z');

describe('sync progress', () => {
  it('estimates the time left from the rate so far while a job runs', () => {
    expect(progressEstimate({ done: 50, total: 200, startedAt, now, status: 'running' })).toEqual({ percent: 25, etaSeconds: 300 });
    expect(progressEstimate({ done: 0, total: 200, startedAt, now, status: 'running' })).toEqual({ percent: 0, etaSeconds: null });
    expect(progressEstimate({ done: 10, total: null, startedAt, now, status: 'running' })).toEqual({ percent: null, etaSeconds: null });
  });

  it('reports a succeeded job complete, even when the source counted more than it delivered', () => {
    expect(progressEstimate({ done: 180, total: 200, startedAt, now, status: 'succeeded' })).toEqual({ percent: 100, etaSeconds: 0 });
    expect(progressEstimate({ done: 7, total: null, startedAt, now, status: 'succeeded' })).toEqual({ percent: 100, etaSeconds: 0 });
  });

  it('keeps the last percent of a failed or canceled job, with no time left to wait', () => {
    for (const status of ['failed', 'canceled'] as const) {
      expect(progressEstimate({ done: 50, total: 200, startedAt, now, status })).toEqual({ percent: 25, etaSeconds: null });
    }
  });
});
