import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { dialects } from '../support/databases.ts';
import { call, createTestApp } from '../support/api.ts';
import { eventually, startControlPlane, uniqueId, type ControlPlane } from '../support/control-plane.ts';
import { startTestWorker } from '../support/temporal.ts';
import { createForeignSchedule } from '../support/fixtures.ts';

const web = (overrides: Record<string, unknown> = {}) => ({
  name: 'Docs',
  type: 'web_scraper',
  config: { url: 'https://docs.example.com/', extractionType: 'single' },
  ...overrides,
});

describe.each(dialects)('connector lifecycle on %s', (dialect) => {
  let plane: ControlPlane;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
  });
  afterAll(async () => {
    await plane?.close();
  });

  async function scheduleOf(id: string, kind: 'sync' | 'prune' = 'sync') {
    const scheduleId = kind === 'sync' ? workflowIds.connectorSchedule(id) : workflowIds.connectorPruneSchedule(id);
    return plane.client.schedule.getHandle(scheduleId).describe();
  }

  it('lists connectors with filters and cursor pagination', async () => {
    const created = [];
    for (let index = 0; index < 5; index += 1) {
      const response = await plane.request('POST', '/v1/connectors', { body: web({ name: `List ${index}` }) });
      created.push(response.body.data.id);
    }
    await plane.request('POST', '/v1/connectors', { body: { name: 'Files', type: 'upload', config: {} } });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: Array<{ id: string }>; nextCursor: string | null } } = await plane.request(
        'GET',
        `/v1/connectors?type=web_scraper&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((connector) => connector.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining(created));
    expect(new Set(seen).size).toBe(seen.length);

    const uploads = await plane.request('GET', '/v1/connectors?type=upload&state=connected');
    expect(uploads.body.data.map((connector: { type: string }) => connector.type)).toEqual(['upload']);
    const bad = await plane.request('GET', '/v1/connectors?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toEqual(['cursor']);
    expect((await plane.request('GET', '/v1/connectors?state=sleeping')).status).toBe(400);
    expect((await plane.request('GET', '/v1/connectors?limit=500')).status).toBe(400);
  });

  it('patches fields and keeps the schedule in step, prune schedule included', async () => {
    const id = uniqueId('patch');
    await plane.request('PUT', `/v1/connectors/${id}`, { body: web() });
    const response = await plane.request('PATCH', `/v1/connectors/${id}`, {
      body: {
        name: 'Renamed',
        config: { extractionType: 'all', maxPages: 50 },
        schedule: { type: 'cron', expression: '30 2 * * *', timezone: 'Asia/Tokyo' },
        pruneSchedule: { type: 'interval', everySeconds: 86400 },
        metadata: { team: 'search' },
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      name: 'Renamed',
      config: { url: 'https://docs.example.com/', extractionType: 'all', maxPages: 50, delayMs: 500 },
      metadata: { team: 'search' },
      pruneSchedule: { type: 'interval', everySeconds: 86400 },
    });
    expect((await scheduleOf(id)).spec.timezone).toBe('Asia/Tokyo');
    expect((await scheduleOf(id, 'prune')).action).toMatchObject({ workflowType: 'pruneConnector' });

    const removed = await plane.request('PATCH', `/v1/connectors/${id}`, { body: { pruneSchedule: null } });
    expect(removed.body.data.pruneSchedule).toBeNull();
    await expect(scheduleOf(id, 'prune')).rejects.toThrow(/not found/i);
  });

  it('changes the given fields of an existing connector on a PUT without type, as seed 001’s update does', async () => {
    const id = uniqueId('putchange');
    expect((await plane.request('PUT', `/v1/connectors/${id}`, { body: web() })).status).toBe(201);
    // Seed 001's update body: a name, and one field of the config.
    const changed = await plane.request('PUT', `/v1/connectors/${id}`, { body: { name: 'Updated Name', config: { maxPages: 20 } } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.data).toMatchObject({ name: 'Updated Name', config: { url: 'https://docs.example.com/', extractionType: 'single', maxPages: 20 } });
    expect((await plane.request('GET', `/v1/connectors/${id}`)).body.data).toMatchObject({ name: 'Updated Name', version: changed.body.data.version });

    // A full definition still replaces, and its replay changes nothing.
    const replaced = await plane.request('PUT', `/v1/connectors/${id}`, { body: web() });
    expect(replaced.status).toBe(200);
    expect(replaced.body.data.config).not.toHaveProperty('maxPages');
    const replay = await plane.request('PUT', `/v1/connectors/${id}`, { body: web() });
    expect(replay.body.data.version).toBe(replaced.body.data.version);

    const bad = await plane.request('PUT', `/v1/connectors/${id}`, { body: { config: { extractionType: 'everything' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('config.extractionType');
    const missing = await plane.request('PUT', '/v1/connectors/no-such-connector', { body: { name: 'Updated Name' } });
    expect(missing.status).toBe(404);
    expect((await plane.request('GET', '/v1/connectors/no-such-connector')).status).toBe(404);
  });

  it('refuses a bad patch and changes nothing', async () => {
    const id = uniqueId('badpatch');
    await plane.request('PUT', `/v1/connectors/${id}`, { body: web() });
    for (const body of [
      {},
      { config: { extractionType: 'everything' } },
      { schedule: { type: 'interval', everySeconds: 1 } },
      { type: 'upload' },
      { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v'])) },
    ]) {
      const response = await plane.request('PATCH', `/v1/connectors/${id}`, { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
    }
    const stored = await plane.request('GET', `/v1/connectors/${id}`);
    expect(stored.body.data.config).toEqual({ url: 'https://docs.example.com/', extractionType: 'single', delayMs: 500 });
    expect((await plane.request('PATCH', '/v1/connectors/missing-connector', { body: { name: 'x' } })).status).toBe(404);
  });

  it('puts the row back when the schedule cannot follow an update', async () => {
    const id = uniqueId('undo');
    const created = await plane.request('PUT', `/v1/connectors/${id}`, { body: web() });
    expect(created.status).toBe(201);
    // Something else now holds the schedule id, so the update workflow cannot bring the schedule in line.
    const scheduleId = workflowIds.connectorSchedule(id);
    await plane.client.schedule.getHandle(scheduleId).delete();
    await createForeignSchedule(plane.client, scheduleId);
    try {
      const response = await plane.request('PATCH', `/v1/connectors/${id}`, {
        body: { name: 'Never', schedule: { type: 'interval', everySeconds: 120 } },
      });
      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('schedule_update_failed');
      expect(response.body.error.message).toContain(`Schedule ${scheduleId} was not made for this connector`);
      const row = await plane.request('GET', `/v1/connectors/${id}`);
      expect(row.body.data).toMatchObject({ name: 'Docs', schedule: { type: 'manual' } });
      expect((await plane.client.schedule.getHandle(scheduleId).describe()).action).toMatchObject({ workflowType: 'somethingElse' });
    } finally {
      await plane.client.schedule.getHandle(scheduleId).delete();
    }
  });

  it('refuses with 409 a change of a connector while another change of it is running', async () => {
    const id = uniqueId('overlap');
    expect((await plane.request('PUT', `/v1/connectors/${id}`, { body: web() })).status).toBe(201);
    // No worker polls this queue, so the first update stays running for as long as the test needs.
    const taskQueue = uniqueId('idle-queue');
    const idle = createTestApp({ db: plane.database.db, client: plane.client, taskQueue, workflowWaitMs: 500 });
    const anotherInstance = createTestApp({ db: plane.database.db, client: plane.client, taskQueue, workflowWaitMs: 500 });
    const pending = plane.client.workflow.getHandle(workflowIds.connectorChange(id));
    try {
      const first = await call(idle, 'PATCH', `/v1/connectors/${id}`, { key: plane.key, body: { name: 'First' } });
      expect(first.status).toBe(202);
      expect((await pending.describe()).status.name).toBe('RUNNING');

      const second = await call(anotherInstance, 'PATCH', `/v1/connectors/${id}`, { key: plane.key, body: { name: 'Second' } });
      expect(second.status).toBe(409);
      expect(second.body.error).toMatchObject({ code: 'conflict', details: { workflowId: workflowIds.connectorChange(id) } });
      expect(second.body.error.message).toContain('in progress');
      expect((await plane.request('GET', `/v1/connectors/${id}`)).body.data.name).toBe('Docs');
    } finally {
      await pending.terminate('test over');
    }
    // Once nothing runs, the same change goes through.
    const after = await plane.request('PATCH', `/v1/connectors/${id}`, { body: { name: 'Second' } });
    expect(after.status).toBe(200);
    expect(after.body.data.name).toBe('Second');
  });

  it('refuses with 409 a binding of a connector while another binding of it is running', async () => {
    const id = uniqueId('bind-overlap');
    const created = await plane.request('PUT', `/v1/connectors/${id}`, {
      body: { name: 'Tickets', type: 'jira', config: { baseUrl: 'https://jira.example.com' } },
    });
    expect(created.body.data.state).toBe('auth_required');
    const credential = await plane.request('POST', '/v1/credentials', {
      body: { name: 'bot', type: 'jira', kind: 'api_token', secret: { token: 't', email: 'a@example.com' } },
    });
    // No worker polls this queue, so the first binding stays running for as long as the test needs.
    const taskQueue = uniqueId('idle-queue');
    const idle = createTestApp({ db: plane.database.db, client: plane.client, taskQueue, workflowWaitMs: 500 });
    const anotherInstance = createTestApp({ db: plane.database.db, client: plane.client, taskQueue, workflowWaitMs: 500 });
    const pending = plane.client.workflow.getHandle(workflowIds.connectorChange(id));
    try {
      const path = `/v1/connectors/${id}/credential/${credential.body.data.id}`;
      const first = await call(idle, 'PUT', path, { key: plane.key });
      expect(first.status).toBe(503);
      expect((await pending.describe()).status.name).toBe('RUNNING');
      const second = await call(anotherInstance, 'PUT', path, { key: plane.key });
      expect(second.status).toBe(409);
      expect(second.body.error).toMatchObject({ code: 'conflict', details: { workflowId: workflowIds.connectorChange(id) } });
      expect((await plane.request('GET', `/v1/connectors/${id}`)).body.data).toMatchObject({ state: 'auth_required', credentialId: null });
    } finally {
      await pending.terminate('test over');
    }
  });

  it('keeps the schedule of a paused connector paused through an update', async () => {
    const id = uniqueId('paused-patch');
    await plane.request('PUT', `/v1/connectors/${id}`, { body: web({ schedule: { type: 'interval', everySeconds: 600 } }) });
    expect((await plane.request('POST', `/v1/connectors/${id}/pause`)).body.data.state).toBe('paused');
    const patched = await plane.request('PATCH', `/v1/connectors/${id}`, { body: { schedule: { type: 'interval', everySeconds: 1200 } } });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ state: 'paused', schedule: { type: 'interval', everySeconds: 1200 } });
    const schedule = await scheduleOf(id);
    expect(schedule.spec.intervals?.[0]?.every).toBe(1_200_000);
    expect(schedule.state.paused).toBe(true);
  });

  it('pauses and resumes the connector with its schedule', async () => {
    const id = uniqueId('pause');
    await plane.request('PUT', `/v1/connectors/${id}`, { body: web({ schedule: { type: 'interval', everySeconds: 600 } }) });

    const paused = await plane.request('POST', `/v1/connectors/${id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.data.state).toBe('paused');
    expect((await scheduleOf(id)).state.paused).toBe(true);

    const resumed = await plane.request('POST', `/v1/connectors/${id}/resume`);
    expect(resumed.body.data.state).toBe('connected');
    expect((await scheduleOf(id)).state.paused).toBe(false);
  });

  it('deletes the connector, its schedules and documents, and leaves no workflow running', async () => {
    const id = uniqueId('delete');
    await plane.request('PUT', `/v1/connectors/${id}`, {
      body: web({ schedule: { type: 'interval', everySeconds: 600 }, pruneSchedule: { type: 'interval', everySeconds: 3600 } }),
    });
    await plane.database.db
      .insertInto('documents')
      .values({
        id: uniqueId('doc'),
        workspace_id: plane.workspaceId,
        collection: id,
        connector_id: id,
        external_id: 'page-1',
        title: 'Page',
        url: null,
        mime_type: 'text/plain',
        content: 'text',
        content_hash: 'hash',
        metadata: '{}',
        source_updated_at: null,
        synced_at: new Date().toISOString(),
        sync_job_id: null,
      })
      .execute();

    const response = await plane.request('DELETE', `/v1/connectors/${id}`);
    expect(response.status).toBe(202);
    expect(response.body.data).toMatchObject({ id, state: 'deleting' });
    await eventually(async () => expect((await plane.request('GET', `/v1/connectors/${id}`)).status).toBe(404));

    await expect(scheduleOf(id)).rejects.toThrow(/not found/i);
    await expect(scheduleOf(id, 'prune')).rejects.toThrow(/not found/i);
    const documents = await plane.database.db.selectFrom('documents').select('id').where('connector_id', '=', id).execute();
    expect(documents).toEqual([]);
    await eventually(async () => {
      const running = [];
      for await (const run of plane.client.workflow.list({ query: `TributaryConnectorId = '${id}' AND ExecutionStatus = 'Running'` })) {
        running.push(run.workflowId);
      }
      expect(running).toEqual([]);
    });
    expect((await plane.request('DELETE', `/v1/connectors/${id}`)).status).toBe(404);
  });

  it('gives every workflow of a connector its search attributes and a summary in the Temporal UI', async () => {
    const id = uniqueId('ui');
    await plane.request('PUT', `/v1/connectors/${id}`, { body: web() });
    await plane.request('PATCH', `/v1/connectors/${id}`, { body: { name: 'Renamed' } });
    await plane.request('POST', `/v1/connectors/${id}/pause`);
    await plane.request('POST', `/v1/connectors/${id}/resume`);
    await plane.request('DELETE', `/v1/connectors/${id}`);
    const types = await eventually(async () => {
      const found: string[] = [];
      for await (const run of plane.client.workflow.list({
        query: `TributaryConnectorId = '${id}' AND TributaryConnectorType = 'web_scraper' AND TributaryWorkspaceId = '${plane.workspaceId}' AND ExecutionStatus = 'Completed'`,
      })) {
        found.push(run.type);
        const description = await plane.client.workflow.getHandle(run.workflowId, run.runId).describe();
        expect(await description.staticSummary()).toContain(id);
      }
      expect(found.sort()).toEqual(['createConnector', 'deleteConnector', 'pauseConnector', 'resumeConnector', 'updateConnector']);
      return found;
    });
    expect(types).toHaveLength(5);
  });

  it('answers 202 when no worker finishes the creation in time, and the workflow completes once one runs', async () => {
    const taskQueue = uniqueId('idle-queue');
    const idle = createTestApp({ db: plane.database.db, client: plane.client, taskQueue, workflowWaitMs: 1000 });
    const id = uniqueId('late');
    const accepted = await call(idle, 'POST', '/v1/connectors', { key: plane.key, body: web({ id }) });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    expect(accepted.body.data).toMatchObject({ id, type: 'web_scraper' });

    const worker = await startTestWorker({ db: plane.database.db, client: plane.client, taskQueue });
    try {
      await eventually(async () => {
        const fetched = await plane.request('GET', `/v1/connectors/${id}`);
        expect(fetched.body.data?.state).toBe('connected');
      }, 30_000);
    } finally {
      await worker.stop();
    }
  });

  it('lists every source type with the JSON Schema of its config and its credential kinds', async () => {
    const response = await plane.request('GET', '/v1/connector-types');
    expect(response.status).toBe(200);
    const types = Object.fromEntries(response.body.data.map((entry: { type: string }) => [entry.type, entry]));
    expect(Object.keys(types).sort()).toEqual([
      'confluence',
      'github',
      'google_drive',
      'impersonated_google_drive',
      'jira',
      'notion',
      'onedrive',
      'postgresql',
      's3',
      'salesforce',
      'sharepoint',
      'slack',
      'upload',
      'web_scraper',
    ]);
    expect(types.google_drive).toMatchObject({ credentialKinds: ['oauth2'], oauth: true });
    // Seed 001: Drive needs no config, all the account can read; the delegated one needs its account.
    expect(types.google_drive.configSchema.required ?? []).not.toContain('rootFileId');
    expect(types.google_drive.configSchema.properties).toHaveProperty('rootFileId');
    expect(types.impersonated_google_drive.configSchema.required).toEqual(expect.arrayContaining(['targetAccount']));
    expect(types.web_scraper.configSchema.properties.extractionType.enum).toEqual(['single', 'all']);
    expect(types.s3).toMatchObject({ credentialKinds: ['aws'], oauth: false });
    expect(types.jira.configSchema.properties).toHaveProperty('jql');
    expect(types.confluence.configSchema.properties).toHaveProperty('cql');
    // What each reader can do, so a client knows whether incremental syncs and prunes mean anything.
    for (const type of Object.keys(types).filter((type) => type !== 'web_scraper')) {
      expect(types[type], type).toMatchObject({ incremental: true, prune: true });
    }
    expect(types.web_scraper).toMatchObject({ incremental: false, prune: false });
  });
});
