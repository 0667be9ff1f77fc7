import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { dialects } from '../support/databases.ts';
import { eventually, startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite } from '../support/fake-site.ts';
import type { LocalServer } from '../support/http-server.ts';

describe.each(dialects)('a sync whose workflow was terminated from the Temporal UI, on %s', (dialect) => {
  let plane: ControlPlane;
  let site: LocalServer;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    // Pages answered slowly: the sync is still running when the test terminates it.
    site = await startFakeSite({ extraPages: 45, delayMs: 200 });
  });
  afterAll(async () => {
    await plane?.close();
    await site?.close();
  });

  /** A running sync whose workflow an operator has just terminated, as `temporal workflow terminate` does. */
  async function terminatedSync(): Promise<{ connectorId: string; jobId: string }> {
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Slow site', type: 'web_scraper', config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0 } },
    });
    expect(created.status).toBe(201);
    const connectorId = created.body.data.id as string;
    const started = await plane.request('POST', `/v1/connectors/${connectorId}/sync`);
    expect(started.status).toBe(202);
    const jobId = started.body.data.jobId as string;
    await eventually(async () => {
      const row = await plane.database.db.selectFrom('sync_jobs').select('status').where('id', '=', jobId).executeTakeFirstOrThrow();
      expect(row.status).toBe('running');
    });
    await plane.client.workflow.getHandle(workflowIds.syncJob(connectorId, jobId)).terminate('operator');
    return { connectorId, jobId };
  }

  it('answers the job as failed, naming how its workflow ended', async () => {
    const { connectorId, jobId } = await terminatedSync();

    const status = await plane.request('GET', `/v1/connectors/${connectorId}/sync/${jobId}`);

    expect(status.status).toBe(200);
    expect(status.body.data).toMatchObject({ jobId, status: 'failed', error: 'The workflow ended without finishing the job (TERMINATED)' });
    expect(status.body.data.finishedAt).not.toBeNull();
  });

  it('answers a cancel or a resync 409 with the reason, never a 500', async () => {
    const { connectorId, jobId } = await terminatedSync();

    const cancel = await plane.request('POST', `/v1/connectors/${connectorId}/sync/${jobId}/cancel`);
    const resync = await plane.request('POST', `/v1/connectors/${connectorId}/sync/${jobId}/resync`);

    expect(cancel.status, JSON.stringify(cancel.body)).toBe(409);
    expect(cancel.body.error.message).toContain('TERMINATED');
    expect(cancel.body.error.details).toEqual({ jobId, status: 'failed' });
    expect(resync.status).toBe(409);
    const row = await plane.database.db.selectFrom('sync_jobs').select(['status', 'error']).where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'failed', error: 'The workflow ended without finishing the job (TERMINATED)' });
  });

  it('lets a new sync start', async () => {
    const { connectorId, jobId } = await terminatedSync();

    const next = await plane.request('POST', `/v1/connectors/${connectorId}/sync`);

    expect(next.status, JSON.stringify(next.body)).toBe(202);
    expect(next.body.data.jobId).not.toBe(jobId);
    const previous = await plane.database.db.selectFrom('sync_jobs').select('status').where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(previous.status).toBe('failed');
    await plane.request('POST', `/v1/connectors/${connectorId}/sync/${next.body.data.jobId}/cancel`);
  });
});
