import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, createTestKey, type TestApp } from '../support/api.ts';
import { eventually } from '../support/control-plane.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { connectTestClient, startOwnTemporalServer, startTestWorker, type OwnTemporalServer, type TestWorker } from '../support/temporal.ts';
import { writeTextFiles } from '../support/fixtures.ts';

const FILES = 5000;

describe.each(dialects)('a Temporal server restarted in the middle of a sync, on %s', (dialect) => {
  let database: TestDatabase;
  let server: OwnTemporalServer;
  let client: Client;
  let worker: TestWorker;
  let app: TestApp;
  let key: string;
  let root: string;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    root = mkdtempSync(path.join(tmpdir(), 'tributary-restart-'));
    server = await startOwnTemporalServer('restart');
    client = await connectTestClient(server.address);
    // Pages of about 16 files: many small commits keep the sync running when the server stops.
    worker = await startTestWorker({ db: database.db, client, directoryRoots: [root], address: server.address, limits: { maxPageBytes: 16 * 1024 } });
    app = createTestApp({ db: database.db, client, taskQueue: worker.taskQueue, directoryRoots: [root] });
    key = await createTestKey(database.db, 'ws-restart');
    writeTextFiles(path.join(root, 'docs'), FILES);
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await server?.dispose();
    await database?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it('finishes the sync once the server is back', async () => {
    const created = await call(app, 'POST', '/v1/connectors', {
      key,
      body: { name: 'Restart', type: 'upload', config: { directory: path.join(root, 'docs') } },
    });
    expect(created.status).toBe(201);
    const connectorId = created.body.data.id;
    const jobId = (await call(app, 'POST', `/v1/connectors/${connectorId}/sync`, { key })).body.data.jobId;
    await eventually(async () => {
      const job = await call(app, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}`, { key });
      expect(job.body.data.progress.collected).toBeGreaterThanOrEqual(1000);
    }, 60_000);

    await server.stop();
    // While Temporal is down the job row still answers.
    const during = await call(app, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}`, { key });
    expect(during.status).toBe(200);
    expect(during.body.data.progress.collected).toBeGreaterThanOrEqual(1000);
    expect(during.body.data.status).toBe('running');
    await server.start();

    const finished = await eventually(async () => {
      const job = await call(app, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}`, { key });
      expect(job.body.data.status).toBe('succeeded');
      return job.body.data;
    }, 150_000);
    expect(finished.progress).toMatchObject({ collected: FILES, indexed: FILES });
    const stored = await database.db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('connector_id', '=', connectorId)
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(FILES);
  });
});
