import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { storedConnectorIdCandidates } from '../../domain/connector-ids.ts';
import { dialects } from '../support/databases.ts';
import { eventually, startControlPlane, syncToEnd, type ControlPlane } from '../support/control-plane.ts';
import { startLocalServer, type LocalServer } from '../support/http-server.ts';

const HOUR = 3600;

describe.each(dialects)('connector health in the API on %s', (dialect) => {
  let plane: ControlPlane;
  let folder: string;
  let missing: LocalServer;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'tributary-health-'));
    for (const name of ['a.txt', 'b.txt', 'c.txt']) writeFileSync(path.join(folder, name), `The text of ${name}.`);
    missing = await startLocalServer((_request, response) => {
      response.statusCode = 404;
      response.end();
    });
    plane = await startControlPlane(dialect, { directoryRoots: [folder] });
  });
  afterAll(async () => {
    await plane?.close();
    await missing?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function createConnector(body: Record<string, unknown>): Promise<string> {
    const created = await plane.request('POST', '/v1/connectors', { body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.data.id as string;
  }

  async function connector(id: string) {
    const response = await plane.request('GET', `/v1/connectors/${id}`);
    expect(response.status).toBe(200);
    return response.body.data;
  }

  it('shows the last sync job, document count, next run and no error after a sync', async () => {
    const before = Date.now();
    const id = await createConnector({ name: 'Handbook', type: 'upload', config: { directory: folder }, schedule: { type: 'interval', everySeconds: HOUR } });
    const fresh = await connector(id);
    expect(fresh).toMatchObject({ lastSync: null, lastSyncJob: null, documentCount: 0, lastError: null });
    // An interval schedule runs next within one interval from now.
    const nextRun = Date.parse(fresh.nextRunAt);
    expect(nextRun).toBeGreaterThan(before);
    expect(nextRun).toBeLessThanOrEqual(Date.now() + HOUR * 1000);
    const schedule = await plane.client.schedule.getHandle(workflowIds.connectorSchedule(await storedIdOf(id))).describe();
    expect(fresh.nextRunAt).toBe(schedule.info.nextActionTimes[0]?.toISOString());

    const job = await syncToEnd(plane, id, 'full');
    expect(job.status).toBe('succeeded');
    const synced = await connector(id);
    expect(synced).toMatchObject({
      lastSync: job.finishedAt,
      lastSyncJob: { jobId: job.jobId, status: 'succeeded', finishedAt: job.finishedAt, counters: { collected: 3, indexed: 3, failed: 0, deleted: 0 } },
      documentCount: 3,
      lastError: null,
      nextRunAt: fresh.nextRunAt,
    });
    const { total: _total, percent: _percent, etaSeconds: _eta, ...counters } = job.progress;
    expect(synced.lastSyncJob.counters).toEqual(counters);
  });

  it('names the error of a failed last sync, and the reason of a lost access above it', async () => {
    const id = await createConnector({ name: 'Gone site', type: 'web_scraper', config: { url: `${missing.url}/`, extractionType: 'single' } });
    const job = await syncToEnd(plane, id, 'full');
    expect(job.status).toBe('failed');
    const failed = await connector(id);
    expect(failed).toMatchObject({ lastSyncJob: { jobId: job.jobId, status: 'failed' }, documentCount: 0, nextRunAt: null, lastError: job.error });
    expect(failed.lastError).toContain('404');

    await plane.database.db
      .updateTable('connectors')
      .set({ state: 'disconnected', state_reason: 'The source refused the credential (401)' })
      .where('id', 'in', storedConnectorIdCandidates(plane.workspaceId, id))
      .execute();
    expect(await connector(id)).toMatchObject({ state: 'disconnected', lastError: 'The source refused the credential (401)' });
  });

  it('shows no next run while paused, and the next one again once resumed', async () => {
    const id = await createConnector({ name: 'Pausable', type: 'upload', config: { directory: folder }, schedule: { type: 'interval', everySeconds: HOUR } });
    const paused = await plane.request('POST', `/v1/connectors/${id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.data).toMatchObject({ state: 'paused', nextRunAt: null });
    expect(await connector(id)).toMatchObject({ nextRunAt: null });
    const listed = await plane.request('GET', '/v1/connectors?state=paused');
    expect(listed.body.data.find((item: { id: string }) => item.id === id)).toMatchObject({ nextRunAt: null });

    const resumed = await plane.request('POST', `/v1/connectors/${id}/resume`);
    expect(resumed.status).toBe(200);
    expect(Date.parse(resumed.body.data.nextRunAt)).toBeGreaterThan(Date.now());
  });

  it('lists a page of connectors with their health', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 8; index += 1) {
      ids.push(
        await createConnector({ name: `Listed ${index}`, type: 'upload', config: { directory: folder }, schedule: { type: 'interval', everySeconds: HOUR } }),
      );
    }
    await syncToEnd(plane, ids[0] as string, 'full');
    // Each answer reads the schedules from Temporal under a short deadline; a busy server may answer a later page.
    const listed = await eventually(async () => {
      const page = await plane.request('GET', '/v1/connectors?limit=100');
      expect(page.status).toBe(200);
      const byId = new Map(page.body.data.map((item: { id: string }) => [item.id, item]));
      for (const id of ids) {
        const item = byId.get(id) as Record<string, unknown>;
        expect(item.nextRunAt, id).toEqual(expect.any(String));
        expect(item).toHaveProperty('lastError', null);
      }
      return byId;
    }, 30_000);
    expect(listed.get(ids[0] as string)).toMatchObject({ documentCount: 3, lastSyncJob: { status: 'succeeded' } });
    expect(listed.get(ids[1] as string)).toMatchObject({ documentCount: 0, lastSyncJob: null });
  });

  it('lists the sync history newest first, a page at a time', async () => {
    const id = await createConnector({ name: 'History', type: 'upload', config: { directory: folder } });
    const jobs = [];
    for (let index = 0; index < 3; index += 1) jobs.push((await syncToEnd(plane, id, 'full')).jobId);
    const first = await plane.request('GET', `/v1/connectors/${id}/syncs?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.data.map((job: { jobId: string }) => job.jobId)).toEqual([jobs[2], jobs[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await plane.request('GET', `/v1/connectors/${id}/syncs?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ data: [{ jobId: jobs[0] }], nextCursor: null });

    const refused = await plane.request('GET', `/v1/connectors/${id}/syncs?cursor=not-a-cursor`);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('cursor') });
    expect((await plane.request('GET', '/v1/connectors/no-such-connector/syncs')).status).toBe(404);
  });

  /** The id the schedule was made with, which the API may show without its workspace. */
  async function storedIdOf(id: string): Promise<string> {
    const row = await plane.database.db
      .selectFrom('connectors')
      .select('id')
      .where('id', 'in', storedConnectorIdCandidates(plane.workspaceId, id))
      .executeTakeFirstOrThrow();
    return row.id;
  }
});
