import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newConnector } from '../../application/create-connector.ts';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { createConnector } from '../../workflows/create-connector.ts';
import { call, createTestApp, createTestKey, type TestApp } from '../support/api.ts';
import { eventually } from '../support/control-plane.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { connectTestClient, startOwnTemporalServer, startTestWorker, type OwnTemporalServer, type TestWorker } from '../support/temporal.ts';

describe.each(dialects)('connector creation under an Idempotency-Key, on %s', (dialect) => {
  let database: TestDatabase;
  let client: Client;
  let worker: TestWorker;
  let app: TestApp;
  let key: string;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    client = await connectTestClient();
    worker = await startTestWorker({ db: database.db, client });
    app = createTestApp({ db: database.db, client, taskQueue: worker.taskQueue });
    key = await createTestKey(database.db, 'ws-idem');
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await database?.drop();
  });

  it('answers a retry with the connector the key created, whatever its body, and creates one', async () => {
    const idempotencyKey = randomUUID();
    const first = await postConnector(app, key, webScraper(), idempotencyKey);
    const retry = await postConnector(app, key, webScraper(), idempotencyKey);
    const changedBody = await postConnector(app, key, webScraper({ name: 'Another' }), idempotencyKey);
    const otherWorkspace = await postConnector(app, await createTestKey(database.db, 'ws-idem-other'), webScraper(), idempotencyKey);

    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.data.state).toBe('connected');
    expect(retry).toEqual({ status: 200, body: first.body });
    expect(changedBody).toEqual({ status: 200, body: first.body });
    expect(otherWorkspace.status).toBe(201);
    expect(otherWorkspace.body.data.id).not.toBe(first.body.data.id);
    expect(await connectorIds(database, 'ws-idem', 'Docs')).toEqual([first.body.data.id]);
  });

  it('joins a creation that is still running instead of starting a second', async () => {
    // No worker polls this queue yet: the creation waits, as it does while workers are down.
    const taskQueue = `idem-join-${randomUUID()}`;
    const waiting = createTestApp({ db: database.db, client, taskQueue, workflowWaitMs: 1_000 });
    const idempotencyKey = randomUUID();
    const body = webScraper({ name: 'Joined' });

    const first = await postConnector(waiting, key, body, idempotencyKey);
    const second = await postConnector(waiting, key, body, idempotencyKey);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.data.id).toBe(first.body.data.id);

    const late = await startTestWorker({ db: database.db, client, taskQueue });
    try {
      const done = await eventually(async () => {
        const replay = await postConnector(waiting, key, body, idempotencyKey);
        expect(replay.status).toBe(200);
        return replay;
      });
      expect(done.body.data).toMatchObject({ id: first.body.data.id, state: 'connected' });
    } finally {
      await late.stop();
    }
    expect(await connectorIds(database, 'ws-idem', 'Joined')).toEqual([first.body.data.id]);
    const runs = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowIds.createConnector(first.body.data.id)}'` })) runs.push(run);
    expect(runs).toHaveLength(1);
  });

  it('refuses an Idempotency-Key together with an id in the body, writing nothing', async () => {
    const response = await postConnector(app, key, webScraper({ id: 'idem-with-id', name: 'Both' }), randomUUID());
    expect(response.status).toBe(400);
    expect(response.body.error.details.issues[0].path).toEqual(['id']);
    expect(await connectorIds(database, 'ws-idem', 'Both')).toEqual([]);
  });

  it('lets a creation workflow whose request was taken back create nothing', async () => {
    // As after a start that reached Temporal although the API saw it fail: the API deleted its row.
    const connector = newConnector(
      `conn_${randomUUID().replaceAll('-', '')}`,
      'ws-idem',
      { ...webScraper({ name: 'Taken back' }), metadata: {} } as never,
      new Date(),
    );
    const run = client.workflow.execute(createConnector, {
      workflowId: workflowIds.createConnector(connector.id),
      taskQueue: worker.taskQueue,
      args: [{ connector, needsCredential: false }],
    });

    await expect(run).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(await connectorIds(database, 'ws-idem', 'Taken back')).toEqual([]);
    await expect(client.schedule.getHandle(workflowIds.connectorSchedule(connector.id)).describe()).rejects.toThrow(/not found/i);
  });
});

// One dialect: what differs between them, taking back a row, runs on both in health.test.ts.
describe('connector creation while Temporal stops', () => {
  let database: TestDatabase;
  let server: OwnTemporalServer;
  let client: Client;
  let key: string;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    server = await startOwnTemporalServer('idem');
    client = await connectTestClient(server.address);
    key = await createTestKey(database.db, 'ws-outage');
  });
  afterAll(async () => {
    await client?.connection.close();
    await server?.dispose();
    await database?.drop();
  });

  it('answers 202 when Temporal stops after the creation started, and 503 only for what did not start', async () => {
    // No worker until Temporal is back: the first request is still waiting for its workflow when it stops.
    const taskQueue = `idem-outage-${randomUUID()}`;
    const app = createTestApp({ db: database.db, client, taskQueue, workflowWaitMs: 15_000 });
    const started = postConnector(app, key, webScraper({ name: 'Started' }));
    await eventually(async () => {
      const runs = [];
      for await (const run of client.workflow.list({ query: `WorkflowType = 'createConnector'` })) runs.push(run);
      expect(runs).toHaveLength(1);
    });
    await server.stop();

    const startedAnswer = await started;
    expect(startedAnswer.status, JSON.stringify(startedAnswer.body)).toBe(202);
    const idempotencyKey = randomUUID();
    const refused = await postConnector(app, key, webScraper({ name: 'Refused' }), idempotencyKey);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('temporal_unavailable');
    expect(await connectorIds(database, 'ws-outage', 'Refused')).toEqual([]);

    await server.start();
    const worker = await startTestWorker({ db: database.db, client, taskQueue, address: server.address });
    try {
      const retried = await eventually(async () => {
        const answer = await postConnector(app, key, webScraper({ name: 'Refused' }), idempotencyKey);
        expect(answer.status).toBe(201);
        return answer;
      }, 30_000);
      await eventually(async () => {
        const states = await database.db.selectFrom('connectors').select(['id', 'state']).where('workspace_id', '=', 'ws-outage').orderBy('name').execute();
        expect(states).toEqual([
          { id: retried.body.data.id, state: 'connected' },
          { id: startedAnswer.body.data.id, state: 'connected' },
        ]);
      }, 30_000);
    } finally {
      await worker.stop();
    }
  });
});

/** `POST /v1/connectors` in process, with an Idempotency-Key when one is given. */
async function postConnector(app: TestApp, key: string, body: unknown, idempotencyKey?: string): Promise<{ status: number; body: any }> {
  return call(app, 'POST', '/v1/connectors', { key, body, ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}) });
}

async function connectorIds(database: TestDatabase, workspaceId: string, name: string): Promise<string[]> {
  const rows = await database.db.selectFrom('connectors').select('id').where('workspace_id', '=', workspaceId).where('name', '=', name).execute();
  return rows.map((row) => row.id);
}

function webScraper(overrides: Record<string, unknown> = {}) {
  return { name: 'Docs', type: 'web_scraper', config: { url: 'https://docs.example.com/', extractionType: 'all' }, ...overrides };
}
