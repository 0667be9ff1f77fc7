import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../../domain/workflow-ids.ts';
import { createTestApp, createTestKey, type TestApp } from '../../support/api.ts';
import { eventually } from '../../support/control-plane.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { connectTestClient, startOwnTemporalServer, startTestWorker, type OwnTemporalServer, type TestWorker } from '../../support/temporal.ts';

const CREATIONS = 30;
/** Each client starts this long after the one before, so the outage lands in the middle of the burst. */
const STAGGER_MS = 100;
const OUTAGE_AFTER_MS = 1_000;
const OUTAGE_MS = 2_000;
const RETRY_PAUSE_MS = 300;

describe('a burst of connector creations while Temporal stops and starts again', () => {
  let database: TestDatabase;
  let server: OwnTemporalServer;
  let client: Client;
  let worker: TestWorker;
  let app: TestApp;
  let key: string;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    server = await startOwnTemporalServer('outage');
    client = await connectTestClient(server.address);
    worker = await startTestWorker({ db: database.db, client, address: server.address });
    // A short wait: during the outage a request waits for nothing it could get.
    app = createTestApp({ db: database.db, client, taskQueue: worker.taskQueue, workflowWaitMs: 5_000 });
    key = await createTestKey(database.db, 'ws-outage');
    // A first creation loads the workflow bundle into the worker, so the burst's early creations finish before the outage.
    const warmUp = await app.request('/v1/connectors', {
      method: 'POST',
      headers: { authorization: `Bearer ${await createTestKey(database.db, 'ws-warm-up')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Warm-up', type: 'web_scraper', config: { url: 'https://docs.example.com/', extractionType: 'all' } }),
    });
    expect(warmUp.status).toBe(201);
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await server?.dispose();
    await database?.drop();
  });

  it('ends every logical creation with exactly one connector, however many answers were 503', async () => {
    const counts = { requests: 0, unavailable: 0, retries: 0 };
    const statuses = new Map<number, number>();

    /** A client that retries on 503 with the same Idempotency-Key until it gets an answer. */
    async function createWithRetries(index: number): Promise<{ idempotencyKey: string; id: string }> {
      await pause(index * STAGGER_MS);
      const idempotencyKey = randomUUID();
      for (let attempt = 0; ; attempt += 1) {
        if (attempt > 0) counts.retries += 1;
        counts.requests += 1;
        const response = await app.request('/v1/connectors', {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
          body: JSON.stringify({ name: `Burst ${index}`, type: 'web_scraper', config: { url: 'https://docs.example.com/', extractionType: 'all' } }),
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const body = (await response.json()) as { data?: { id: string }; error?: { code: string } };
        if (response.status === 503) {
          counts.unavailable += 1;
          await pause(RETRY_PAUSE_MS);
          continue;
        }
        expect([200, 201, 202], JSON.stringify(body)).toContain(response.status);
        return { idempotencyKey, id: body.data!.id };
      }
    }

    const began = Date.now();
    const burst = Promise.all(Array.from({ length: CREATIONS }, (_, index) => createWithRetries(index)));
    await pause(OUTAGE_AFTER_MS);
    await server.stop();
    await pause(OUTAGE_MS);
    await server.start();
    const answers = await burst;
    const answeredAfterMs = Date.now() - began;

    // Creations cut off by the outage finish once Temporal is back: an activity whose answer was lost
    // runs again when its 30 s start-to-close timeout has passed.
    const rows = await eventually(async () => {
      const running = [];
      for await (const run of client.workflow.list({ query: `WorkflowType = 'createConnector' AND ExecutionStatus = 'Running'` })) running.push(run.workflowId);
      expect(running).toEqual([]);
      const stored = await database.db.selectFrom('connectors').select(['id', 'state']).where('workspace_id', '=', 'ws-outage').execute();
      expect(stored.filter((row) => row.state !== 'connected')).toEqual([]);
      return stored;
    }, 45_000);
    const settledAfterMs = Date.now() - began;
    const creationRuns = new Set<string>();
    for await (const run of client.workflow.list({ query: `WorkflowType = 'createConnector' AND TributaryWorkspaceId = 'ws-outage'` })) {
      creationRuns.add(run.workflowId);
    }

    console.log(
      `temporal outage: ${CREATIONS} creations, ${counts.requests} requests, ${counts.unavailable} answered 503, ${counts.retries} retries, ` +
        `answers ${JSON.stringify(Object.fromEntries(statuses))}, ${rows.length} connectors, ${creationRuns.size} creation workflows; ` +
        `last answer after ${answeredAfterMs} ms, all connected after ${settledAfterMs} ms`,
    );
    expect(counts.unavailable, 'the outage landed inside the burst').toBeGreaterThan(0);
    const answeredIds = answers.map((answer) => answer.id).sort();
    expect(new Set(answeredIds).size).toBe(CREATIONS);
    // No duplicates, nothing left by an answer that was not the last: one row per logical creation.
    expect(rows.map((row) => row.id).sort()).toEqual(answeredIds);
    // And no creation workflow of its own either: every one that ran belongs to an answered connector.
    expect([...creationRuns].sort()).toEqual(answeredIds.map((id) => workflowIds.createConnector(id)).sort());
  });
});

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
