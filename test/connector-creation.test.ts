import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDevServer, type DevServer } from '../temporal/dev-server.ts';
import { workflowIds } from '../domain/workflow-ids.ts';
import { call, createTestApp, createTestKey, type TestApp } from './support/api.ts';
import { eventually, uniqueId } from './support/control-plane.ts';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases.ts';
import { connectTestClient, startDevServerOnFreePorts, startTestWorker, type TestWorker } from './support/temporal.ts';
import { createForeignSchedule } from './support/fixtures.ts';

describe.each(dialects)('connector creation on %s', (dialect) => {
  let database: TestDatabase;
  let client: Client;
  let worker: TestWorker;
  let key: string;
  let app: TestApp;
  // A worker whose schedules live on a Temporal server of this suite's own, which the test stops.
  let scheduleServer: DevServer;
  let scheduleClient: Client;
  let scheduleWorker: TestWorker;
  let appWithOwnSchedules: TestApp;
  let schedulePorts: { port: number; uiPort: number };
  const startScheduleServer = () => startDevServer({ cliPath: inject('temporalCliPath'), ...schedulePorts, namespace: 'default', readyTimeoutMs: 120_000 });

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    client = await connectTestClient();
    worker = await startTestWorker({ db: database.db, client });
    app = createTestApp({ db: database.db, client, taskQueue: worker.taskQueue });
    ({ server: scheduleServer, ports: schedulePorts } = await startDevServerOnFreePorts());
    // Without the SDK's gRPC retries, a call to the stopped server fails at once instead of after ~20 s.
    scheduleClient = new Client({ connection: await Connection.connect({ address: scheduleServer.address, interceptors: [] }), namespace: 'default' });
    scheduleWorker = await startTestWorker({ db: database.db, client: scheduleClient });
    appWithOwnSchedules = createTestApp({ db: database.db, client, taskQueue: scheduleWorker.taskQueue });
    key = await createTestKey(database.db, 'ws-main');
  });

  afterAll(async () => {
    await Promise.all([worker?.stop(), scheduleWorker?.stop()]);
    await client?.connection.close();
    await scheduleClient?.connection.close();
    await scheduleServer?.stop();
    await database?.drop();
  });

  it('creates a connected connector with its schedule', async () => {
    const id = uniqueId('happy');
    const response = await call(app, 'PUT', `/v1/connectors/${id}`, {
      key,
      body: webScraper({ schedule: { type: 'cron', expression: '15 3 * * 1', timezone: 'Europe/Paris' } }),
    });

    expect(response.status).toBe(201);
    expect(response.body.data).toMatchObject({
      id,
      type: 'web_scraper',
      collection: id,
      state: 'connected',
      workspaceId: 'ws-main',
      config: { url: 'https://docs.example.com/', extractionType: 'all' },
    });
    const stored = await database.db.selectFrom('connectors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.state).toBe('connected');

    const schedule = await client.schedule.getHandle(workflowIds.connectorSchedule(id)).describe();
    // Temporal stores a cron expression as the equivalent calendar.
    expect(schedule.spec.calendars?.[0]).toMatchObject({
      minute: [{ start: 15, end: 15 }],
      hour: [{ start: 3, end: 3 }],
      dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY' }],
    });
    expect(schedule.spec.timezone).toBe('Europe/Paris');
    expect(schedule.state.paused).toBe(false);
    expect(schedule.action).toMatchObject({ workflowType: 'syncConnector', workflowId: workflowIds.syncConnector(id) });
    expect(schedule.policies.overlap).toBe('SKIP');
    expect(schedule.typedSearchAttributes.getAll().map((pair) => [pair.key.name, pair.value])).toEqual(
      expect.arrayContaining([
        ['TributaryConnectorId', id],
        ['TributaryConnectorType', 'web_scraper'],
        ['TributaryWorkspaceId', 'ws-main'],
      ]),
    );

    const creation = await client.workflow.getHandle(workflowIds.createConnector(id)).describe();
    expect(creation.status.name).toBe('COMPLETED');
    expect(creation.typedSearchAttributes.getAll().map((pair) => pair.key.name)).toEqual(
      expect.arrayContaining(['TributaryConnectorId', 'TributaryConnectorType', 'TributaryWorkspaceId']),
    );
  });

  it('generates an id on POST and maps each schedule type', async () => {
    const cases = [{ type: 'manual' }, { type: 'interval', everySeconds: 3600 }, { type: 'once', at: new Date(Date.now() + 86_400_000).toISOString() }];
    for (const schedule of cases) {
      const response = await call(app, 'POST', '/v1/connectors', { key, body: webScraper({ schedule }) });
      expect(response.status).toBe(201);
      expect(response.body.data.id).toMatch(/^conn_[0-9a-f]{32}$/);
      expect(response.body.data.schedule).toEqual(schedule);
      const description = await client.schedule.getHandle(workflowIds.connectorSchedule(response.body.data.id)).describe();
      if (schedule.type === 'interval') expect(description.spec.intervals?.[0]?.every).toBe(3_600_000);
      if (schedule.type === 'once') expect(description.state.remainingActions).toBe(1);
      if (schedule.type === 'manual') expect(description.spec.intervals ?? []).toEqual([]);
    }
  });

  it('answers a replayed PUT with the same connector and creates nothing twice', async () => {
    const id = uniqueId('replay');
    const body = webScraper({ schedule: { type: 'interval', everySeconds: 600 } });
    const first = await call(app, 'PUT', `/v1/connectors/${id}`, { key, body });
    const [second, third] = await Promise.all([
      call(app, 'PUT', `/v1/connectors/${id}`, { key, body }),
      call(app, 'PUT', `/v1/connectors/${id}`, { key, body }),
    ]);

    expect(first.status).toBe(201);
    expect([second.status, third.status]).toEqual([200, 200]);
    // The next run is read from Temporal on each answer, under a deadline: the connector is compared without it.
    const withoutNextRun = ({ nextRunAt: _nextRunAt, ...connector }: Record<string, unknown>) => connector;
    expect(withoutNextRun(second.body.data)).toEqual(withoutNextRun(first.body.data));
    expect(await countConnectors(database, id)).toBe(1);
    const runs = await listWorkflows(client, `WorkflowId = '${workflowIds.createConnector(id)}'`);
    expect(runs).toHaveLength(1);
  });

  it('replaces the definition on a PUT of an existing id, schedule included', async () => {
    const id = uniqueId('redefine');
    expect((await call(app, 'PUT', `/v1/connectors/${id}`, { key, body: webScraper() })).status).toBe(201);
    const response = await call(app, 'PUT', `/v1/connectors/${id}`, {
      key,
      body: webScraper({ name: 'Another name', schedule: { type: 'interval', everySeconds: 900 } }),
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ name: 'Another name', schedule: { type: 'interval', everySeconds: 900 }, state: 'connected' });
    const stored = await database.db.selectFrom('connectors').select('name').where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.name).toBe('Another name');
    const schedule = await client.schedule.getHandle(workflowIds.connectorSchedule(id)).describe();
    expect(schedule.spec.intervals?.[0]?.every).toBe(900_000);

    const retyped = await call(app, 'PUT', `/v1/connectors/${id}`, {
      key,
      body: { name: 'Docs', type: 'upload', config: {} },
    });
    expect(retyped.status).toBe(409);
    expect(retyped.body.error.message).toContain('type cannot change');
  });

  it('deletes the connector when its schedule cannot be created', async () => {
    const id = uniqueId('compensate');
    const creation = client.workflow.getHandle(workflowIds.createConnector(id));
    await scheduleServer.stop();
    const responding = call(appWithOwnSchedules, 'PUT', `/v1/connectors/${id}`, { key, body: webScraper() });
    // The compensation is scheduled only once the schedule step has failed for good; its clean-up
    // retries until the schedule service answers again, so the server comes back now.
    await eventually(async () => {
      const pending = (await creation.describe()).raw.pendingActivities ?? [];
      expect(pending.map((activity) => activity.activityType?.name)).toContain('removeCreatedSchedules');
    }, 60_000);
    expect(await countConnectors(database, id)).toBe(1);
    scheduleServer = await startScheduleServer();
    const response = await responding;

    expect(response.status, JSON.stringify(response.body)).toBe(503);
    expect(response.body.error.code).toBe('schedule_creation_failed');
    expect(response.body.error.message).toContain('could not be created, so the connector was removed');
    expect(response.body.error.message).toContain('Failed to create schedule');
    expect(await countConnectors(database, id)).toBe(0);
    await expect(scheduleClient.schedule.getHandle(workflowIds.connectorSchedule(id)).describe()).rejects.toThrow(/not found/i);
    expect((await call(app, 'GET', `/v1/connectors/${id}`, { key })).status).toBe(404);

    // Once the schedule service is back, the same request succeeds.
    const retry = await call(appWithOwnSchedules, 'PUT', `/v1/connectors/${id}`, { key, body: webScraper() });
    expect(retry.status).toBe(201);
    expect(retry.body.data.state).toBe('connected');
    expect((await scheduleClient.schedule.getHandle(workflowIds.connectorSchedule(id)).describe()).action).toMatchObject({ workflowType: 'syncConnector' });
  });

  it('fails, and leaves the foreign schedule alone, when the schedule id is already taken', async () => {
    const id = uniqueId('foreign');
    const scheduleId = workflowIds.connectorSchedule(id);
    await createForeignSchedule(client, scheduleId);

    const response = await call(app, 'PUT', `/v1/connectors/${id}`, { key, body: webScraper() });

    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('schedule_conflict');
    expect(response.body.error.message).toContain(`${scheduleId} is already taken`);
    expect(await countConnectors(database, id)).toBe(0);
    const foreign = await client.schedule.getHandle(scheduleId).describe();
    expect(foreign.action).toMatchObject({ workflowType: 'somethingElse' });
    await client.schedule.getHandle(scheduleId).delete();
  });

  describe('bad input is answered 400 and writes nothing', () => {
    const cases: Array<{ name: string; rawBody?: string; body?: unknown; path: string[]; message: RegExp; code?: string }> = [
      { name: 'malformed JSON', rawBody: '{"name": "Docs",', path: [], message: /not valid JSON/, code: 'invalid_json' },
      { name: 'unknown type', body: { ...webScraper(), type: 'gopher' }, path: ['type'], message: /unknown connector type/ },
      { name: 'missing name', body: omit(webScraper(), 'name'), path: ['name'], message: /./ },
      { name: 'missing config field', body: { ...webScraper(), config: { extractionType: 'all' } }, path: ['config', 'url'], message: /./ },
      { name: 'wrong type', body: { ...webScraper(), name: 42 }, path: ['name'], message: /string/ },
      {
        name: 'wrong enum',
        body: { ...webScraper(), config: { url: 'https://x.example', extractionType: 'some' } },
        path: ['config', 'extractionType'],
        message: /single|all/,
      },
      { name: 'unknown field', body: { ...webScraper(), colour: 'blue' }, path: [], message: /colour/ },
      {
        name: 'bad cron',
        body: webScraper({ schedule: { type: 'cron', expression: '61 * * * *' } }),
        path: ['schedule', 'expression'],
        message: /invalid cron/,
      },
      {
        name: 'cron with six fields',
        body: webScraper({ schedule: { type: 'cron', expression: '0 0 3 * * *' } }),
        path: ['schedule', 'expression'],
        message: /five fields/,
      },
      {
        name: 'bad time zone',
        body: webScraper({ schedule: { type: 'cron', expression: '0 3 * * *', timezone: 'Mars/Olympus' } }),
        path: ['schedule', 'timezone'],
        message: /IANA/,
      },
      {
        name: 'interval under a minute',
        body: webScraper({ schedule: { type: 'interval', everySeconds: 5 } }),
        path: ['schedule', 'everySeconds'],
        message: /60/,
      },
      { name: 'once in the past', body: webScraper({ schedule: { type: 'once', at: '2001-01-01T00:00:00Z' } }), path: ['schedule', 'at'], message: /future/ },
      {
        name: '17 metadata pairs',
        body: webScraper({ metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }),
        path: ['metadata'],
        message: /16/,
      },
      { name: '65-character metadata key', body: webScraper({ metadata: { ['k'.repeat(65)]: 'v' } }), path: ['metadata', 'k'.repeat(65)], message: /64/ },
      { name: '513-character metadata value', body: webScraper({ metadata: { team: 'v'.repeat(513) } }), path: ['metadata', 'team'], message: /512/ },
      { name: 'non-http url', body: { ...webScraper(), config: { url: 'file:///etc/passwd' } }, path: ['config', 'url'], message: /http/ },
    ];

    it.each(cases)('$name', async ({ rawBody, body, path, message, code }) => {
      const id = uniqueId('bad');
      const response = await call(app, 'PUT', `/v1/connectors/${id}`, { key, ...(rawBody ? { rawBody } : { body }) });

      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe(code ?? 'invalid_request');
      expect(response.body.error.message).toMatch(message);
      if (!code) {
        const paths = response.body.error.details.issues.map((issue: { path: string[] }) => issue.path);
        expect(paths).toContainEqual(path);
      }
      expect(await countConnectors(database, id)).toBe(0);
      await expect(client.workflow.getHandle(workflowIds.createConnector(id)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    });

    it('refuses an invalid id in the path', async () => {
      const response = await call(app, 'PUT', '/v1/connectors/has%20space', { key, body: webScraper() });
      expect(response.status).toBe(400);
      expect(response.body.error.details.issues[0].path).toEqual(['id']);
    });

    it('answers 413 to an oversize body', async () => {
      const response = await call(app, 'POST', '/v1/connectors', {
        key,
        body: webScraper({ description: 'x'.repeat(1_100_000) }),
      });
      expect(response.status).toBe(413);
      expect(response.body.error.code).toBe('payload_too_large');
    });
  });

  describe('authentication', () => {
    it('answers 401 without a key and with a wrong key, writing nothing', async () => {
      const id = uniqueId('auth');
      for (const wrongKey of [undefined, 'trb_not-a-real-key']) {
        const response = await call(app, 'PUT', `/v1/connectors/${id}`, { ...(wrongKey ? { key: wrongKey } : {}), body: webScraper() });
        expect(response.status).toBe(401);
        expect(response.body.error.code).toBe('unauthorized');
      }
      expect(await countConnectors(database, id)).toBe(0);
    });

    it('lets a viewer read but not create', async () => {
      const viewer = await createTestKey(database.db, 'ws-main', 'viewer');
      const id = uniqueId('viewer');
      const refused = await call(app, 'PUT', `/v1/connectors/${id}`, { key: viewer, body: webScraper() });
      expect(refused.status).toBe(403);
      expect(await countConnectors(database, id)).toBe(0);
      await call(app, 'PUT', `/v1/connectors/${id}`, { key, body: webScraper() });
      expect((await call(app, 'GET', `/v1/connectors/${id}`, { key: viewer })).status).toBe(200);
    });

    it('hides connectors of another workspace', async () => {
      const id = uniqueId('tenant');
      await call(app, 'PUT', `/v1/connectors/${id}`, { key, body: webScraper() });
      const outsider = await createTestKey(database.db, 'ws-other');
      const response = await call(app, 'GET', `/v1/connectors/${id}`, { key: outsider });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    });
  });
});

function webScraper(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Docs',
    type: 'web_scraper',
    config: { url: 'https://docs.example.com/', extractionType: 'all' },
    ...overrides,
  };
}

function omit(value: Record<string, unknown>, field: string) {
  const { [field]: _removed, ...rest } = value;
  return rest;
}

async function countConnectors(database: TestDatabase, id: string): Promise<number> {
  const rows = await database.db.selectFrom('connectors').select('id').where('id', '=', id).execute();
  return rows.length;
}

async function listWorkflows(client: Client, query: string) {
  const runs = [];
  for await (const run of client.workflow.list({ query })) runs.push(run);
  return runs;
}
