import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveSyncJob } from '../../application/sync-status.ts';
import { findSyncJobRow } from '../../db/repositories/sync-jobs.ts';
import { startControlPlane, syncToEnd, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite, type FakeSite } from '../support/fake-site.ts';

/** A job's status answered while its workflow ends: never an ending without its end time and final counters. */
describe('the status of a sync that ends while it is asked for', () => {
  let plane: ControlPlane;
  let site: FakeSite;

  beforeAll(async () => {
    [plane, site] = await Promise.all([startControlPlane('sqlite'), startFakeSite({ failingPages: false })]);
  });
  afterAll(async () => {
    await plane?.close();
    await site?.close();
  });

  it('answers the ended job from its row when the row was read before the workflow finished it', async () => {
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: 'One page', type: 'web_scraper', config: { url: `${site.url}/a`, extractionType: 'single' } },
    });
    const ended = await syncToEnd(plane, created.body.data.id);
    expect(ended.status).toBe('succeeded');
    const row = (await findSyncJobRow(plane.database.db, ended.jobId))!;
    // The row as a read just before the last commit saw it: still running, no end.
    const stale = { ...row, status: 'running', phase: 'reading', finished_at: null, indexed: 0 };
    const answered = await liveSyncJob(plane.deps, stale);
    expect(answered).toMatchObject({ status: 'succeeded', finishedAt: row.finished_at, progress: { indexed: 1 } });
  });
});
