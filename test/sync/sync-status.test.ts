import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSyncJobRow } from '../../db/repositories/sync-jobs.ts';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { progressQuery } from '../../workflows/sync-connector.ts';
import { eventually, startControlPlane, waitForSync, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite, type FakeSite } from '../support/fake-site.ts';

/** The status of a running sync: its job row, which every page commits, and the workflow's `progress` query agreeing with it. */
describe('the status of a running sync', () => {
  let plane: ControlPlane;
  let site: FakeSite;

  beforeAll(async () => {
    // Slow answers and a hundred pages: the crawl runs for a few seconds, a page of ten at a time.
    [plane, site] = await Promise.all([startControlPlane('sqlite'), startFakeSite({ failingPages: false, extraPages: 100, delayMs: 20 })]);
  });
  afterAll(async () => {
    await plane?.close();
    await site?.close();
  });

  it('answers the counters each page commits, moving while the sync runs, as the progress query reports them', async () => {
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Slow site', type: 'web_scraper', config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0 } },
    });
    const connectorId = created.body.data.id;
    const started = await plane.request('POST', `/v1/connectors/${connectorId}/sync`);
    const jobId = started.body.data.jobId;
    const statusOf = async () => (await plane.request('GET', `/v1/connectors/${connectorId}/sync/${jobId}`)).body.data;

    const first = await eventually(async () => {
      const job = await statusOf();
      expect(job).toMatchObject({ status: 'running', phase: 'reading' });
      expect(job.progress.collected).toBeGreaterThan(0);
      return job;
    });
    const row = (await findSyncJobRow(plane.database.db, jobId))!;
    // The answer is the row: its counters never run ahead of what was committed.
    expect(first.progress.collected).toBeLessThanOrEqual(Number(row.collected));
    expect(first.progress.total).toBeGreaterThan(first.progress.collected);
    const later = await eventually(async () => {
      const job = await statusOf();
      expect(job.progress.collected).toBeGreaterThan(first.progress.collected);
      return job;
    });
    expect(later.updatedAt > first.updatedAt).toBe(true);

    // The workflow's own query, for the Temporal UI and CLI, tells the counters the row had when its last activity returned.
    await eventually(async () => {
      const progress = await plane.client.workflow.getHandle(workflowIds.syncJob(connectorId, jobId)).query(progressQuery);
      const committed = Number((await findSyncJobRow(plane.database.db, jobId))!.collected);
      expect(progress).toMatchObject({ jobId, status: 'running', phase: 'reading', mode: 'full' });
      expect(progress!.collected).toBeGreaterThan(0);
      expect(progress!.collected).toBeLessThanOrEqual(committed);
    });

    const ended = await waitForSync(plane, connectorId, jobId);
    expect(ended).toMatchObject({ status: 'succeeded', progress: { percent: 100, etaSeconds: 0 } });
    expect(ended.finishedAt).not.toBeNull();
  });
});
