import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.ts';
import { eventually, startControlPlane, waitForSync, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite } from '../support/fake-site.ts';
import type { LocalServer } from '../support/http-server.ts';

describe.each(dialects)('controlling a running sync on %s', (dialect) => {
  let plane: ControlPlane;
  let site: LocalServer;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    // About fifty pages answered in 60 ms each: a sync of several seconds.
    site = await startFakeSite({ extraPages: 45, delayMs: 60 });
  });
  afterAll(async () => {
    await plane?.close();
    await site?.close();
  });

  async function createSlowConnector(): Promise<string> {
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Slow site', type: 'web_scraper', config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0 } },
    });
    expect(created.status).toBe(201);
    return created.body.data.id as string;
  }

  async function startSync(connectorId: string) {
    const started = await plane.request('POST', `/v1/connectors/${connectorId}/sync`);
    expect(started.status).toBe(202);
    return { connectorId, jobId: started.body.data.jobId as string };
  }

  async function startSlowSync() {
    return startSync(await createSlowConnector());
  }

  /** The workflow of a job, as the Temporal UI would open it. */
  async function workflowOf(jobId: string) {
    const row = await plane.database.db.selectFrom('sync_jobs').select('workflow_id').where('id', '=', jobId).executeTakeFirstOrThrow();
    return plane.client.workflow.getHandle(row.workflow_id as string);
  }

  /** What a closed run ended with: its result, or the failure it ended with. */
  async function endingOf(handle: Awaited<ReturnType<typeof workflowOf>>): Promise<unknown> {
    return handle.result().catch((error: unknown) => error);
  }

  function expectCanceledRun(ending: unknown) {
    expect(ending).toBeInstanceOf(WorkflowFailedError);
    expect((ending as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  }

  async function running(connectorId: string, jobId: string) {
    return eventually(async () => {
      const response = await plane.request('GET', `/v1/connectors/${connectorId}/sync/${jobId}`);
      expect(response.body.data.status).toBe('running');
      expect(response.body.data.progress.collected).toBeGreaterThan(0);
      return response.body.data;
    });
  }

  it('answers live progress with percent and ETA, streams it as events, and refuses a second sync', async () => {
    const { connectorId, jobId } = await startSlowSync();
    const live = await running(connectorId, jobId);
    expect(live).toMatchObject({ jobId, phase: 'reading', mode: 'full', trigger: 'manual' });
    expect(live.progress.total).toBeGreaterThan(live.progress.collected);
    expect(live.progress.percent).toBeGreaterThan(0);
    expect(live.progress.percent).toBeLessThan(100);
    expect(live.progress.etaSeconds).not.toBeNull();

    const second = await plane.request('POST', `/v1/connectors/${connectorId}/sync`);
    expect(second.status).toBe(409);
    expect(second.body.error.details.jobId).toBe(jobId);

    const stream = await plane.app.request(`/v1/connectors/${connectorId}/sync/${jobId}/events`, { headers: { authorization: `Bearer ${plane.key}` } });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const text = await stream.text();
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((match) => ({ event: match[1], job: JSON.parse(match[2] ?? '{}') }));
    expect(events.length).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ event: 'end', job: { status: 'succeeded' } });
    const collected = events.map((event) => event.job.progress.collected);
    expect(collected).toEqual([...collected].sort((a, b) => a - b));
    expect(events.filter((event) => event.event === 'progress').length).toBeGreaterThan(0);

    // The Temporal UI shows how the job ended, naming the connector.
    const workflow = await workflowOf(jobId);
    const { progress } = events.at(-1)!.job;
    const { currentDetails } = await workflow.query(workflowMetadataQuery);
    expect(currentDetails).toContain('**Succeeded**: sync of web_scraper connector "Slow site"');
    expect(currentDetails).toContain(`job ${jobId}`);
    expect(currentDetails).toContain(`${progress.collected} collected, ${progress.indexed} indexed`);
    expect(await workflow.result()).toEqual({ status: 'succeeded', jobId });
  });

  it('cancels within seconds, keeping the counters', async () => {
    const { connectorId, jobId } = await startSlowSync();
    await running(connectorId, jobId);
    const cancel = await plane.request('POST', `/v1/connectors/${connectorId}/sync/${jobId}/cancel`);
    expect(cancel.status).toBe(202);
    // The answer is the job as it is now: canceling, or already canceled when the page ended first.
    expect(['canceling', 'canceled']).toContain(cancel.body.data.status);
    const job = await waitForSync(plane, connectorId, jobId);
    expect(job.status).toBe('canceled');
    expect(job.progress.collected).toBeGreaterThan(0);
    expect(job.progress.collected).toBeLessThan(job.progress.total);
    expect(job.progress.deleted).toBe(0);
    // The API's cancel is Temporal's own: the run ends as Canceled, its details saying so.
    const workflow = await workflowOf(jobId);
    expectCanceledRun(await endingOf(workflow));
    expect((await workflow.describe()).status.name).toBe('CANCELLED');
    expect((await workflow.query(workflowMetadataQuery)).currentDetails).toContain(`**Canceled**: sync of web_scraper connector "Slow site"`);
    const again = await plane.request('POST', `/v1/connectors/${connectorId}/sync/${jobId}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', details: { jobId, status: 'canceled' } });
    // A canceled sync frees the connector for the next one.
    const next = await plane.request('POST', `/v1/connectors/${connectorId}/sync`);
    expect(next.status).toBe(202);
    expect((await waitForSync(plane, connectorId, next.body.data.jobId, 90_000)).status).toBe('succeeded');
  });

  it('ends the job canceled and the run as Canceled on a cancel from the Temporal UI', async () => {
    const { connectorId, jobId } = await startSlowSync();
    await running(connectorId, jobId);
    const workflow = await workflowOf(jobId);
    // What the UI's Cancel button and `temporal workflow cancel` send.
    await workflow.cancel();
    expectCanceledRun(await endingOf(workflow));
    expect((await workflow.describe()).status.name).toBe('CANCELLED');
    const job = await waitForSync(plane, connectorId, jobId);
    expect(job).toMatchObject({ status: 'canceled', phase: 'done', error: null });
    expect(job.progress.collected).toBeGreaterThan(0);
    expect(job.progress.collected).toBeLessThan(job.progress.total);
    expect((await workflow.query(workflowMetadataQuery)).currentDetails).toContain(`**Canceled**: sync of web_scraper connector "Slow site"`);
  });

  it('stops on the cancel signal, ending the job canceled and the run with a canceled result', async () => {
    const { connectorId, jobId } = await startSlowSync();
    await running(connectorId, jobId);
    const workflow = await workflowOf(jobId);
    await workflow.signal('cancel');
    // A workflow cannot cancel itself, so a run stopped by the signal completes and says how.
    expect(await workflow.result()).toEqual({ status: 'canceled', jobId });
    const job = await waitForSync(plane, connectorId, jobId);
    expect(job.status).toBe('canceled');
    expect(job.progress.collected).toBeLessThan(job.progress.total);
    expect((await workflow.query(workflowMetadataQuery)).currentDetails).toContain('**Canceled**');
  });

  it('restarts an incremental sync as a full sync on resync', async () => {
    const connectorId = await createSlowConnector();
    // After a successful sync the next one is incremental, so only the resync can make it full.
    const first = await startSync(connectorId);
    expect((await waitForSync(plane, connectorId, first.jobId, 90_000)).status).toBe('succeeded');
    const { jobId } = await startSync(connectorId);
    expect(await running(connectorId, jobId)).toMatchObject({ mode: 'incremental', trigger: 'manual' });
    const resync = await plane.request('POST', `/v1/connectors/${connectorId}/sync/${jobId}/resync`);
    expect(resync.status).toBe(202);
    const job = await waitForSync(plane, connectorId, jobId, 90_000);
    expect(job).toMatchObject({ status: 'succeeded', mode: 'full', trigger: 'resync' });
    expect(job.progress.indexed + job.progress.unchanged).toBe(job.progress.parsed);
    expect(job.progress.failed).toBe(1);
    const documents = await plane.request('GET', `/v1/collections/${connectorId}/documents?limit=200`);
    expect(documents.body.data).toHaveLength(job.progress.parsed);
  });

  it('ends a running sync and removes its documents and row when the connector is deleted', async () => {
    const { connectorId, jobId } = await startSlowSync();
    await running(connectorId, jobId);
    const { workflow_id: syncWorkflowId } = await plane.database.db
      .selectFrom('sync_jobs')
      .select('workflow_id')
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow();
    const deleted = await plane.request('DELETE', `/v1/connectors/${connectorId}`);
    expect(deleted.status).toBe(202);
    await plane.client.workflow.getHandle(deleted.body.data.workflowId).result();
    expect((await plane.request('GET', `/v1/connectors/${connectorId}`)).status).toBe(404);

    // The sync was canceled by the delete, not left to fail on a connector that is gone.
    const sync = plane.client.workflow.getHandle(syncWorkflowId as string);
    expectCanceledRun(await endingOf(sync));
    expect((await sync.describe()).status.name).toBe('CANCELLED');
    const left = async (table: 'documents' | 'sync_jobs') =>
      plane.database.db.selectFrom(table).select('connector_id').where('connector_id', '=', connectorId).execute();
    expect(await left('documents')).toEqual([]);
    expect(await left('sync_jobs')).toEqual([]);
  });

  it('cancels a sync that has continued as new', async () => {
    const connectorId = await createSlowConnector();
    const handle = await plane.client.workflow.start('syncConnector', {
      workflowId: `test-continued-sync-${connectorId}`,
      taskQueue: plane.worker.taskQueue,
      args: [{ connectorId, trigger: 'manual', mode: 'full', pagesPerRun: 1 }],
    });
    const jobId = await eventually(async () => {
      const history = await plane.request('GET', `/v1/connectors/${connectorId}/syncs`);
      expect(history.body.data[0]?.status).toBe('running');
      return history.body.data[0].jobId as string;
    });
    // A later run than the first one is current: the signal must reach it by workflow id.
    await eventually(async () => expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId));
    const cancel = await plane.request('POST', `/v1/connectors/${connectorId}/sync/${jobId}/cancel`);
    expect(cancel.status).toBe(202);
    expectCanceledRun(await endingOf(handle));
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const job = await waitForSync(plane, connectorId, jobId);
    expect(job.status).toBe('canceled');
    expect(job.progress.collected).toBeLessThan(job.progress.total);
  });
});
