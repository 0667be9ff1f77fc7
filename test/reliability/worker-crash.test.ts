import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { call, createTestApp, createTestKey, testSecretKey, type TestApp } from '../support/api.ts';
import { eventually } from '../support/control-plane.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { runEntryPoint, type RunningProcess } from '../../tools/processes.ts';
import { connectTestClient } from '../support/temporal.ts';
import { writeTextFiles } from '../support/fixtures.ts';

const FILES = 6000;

describe.each(dialects)('a worker killed in the middle of a sync, on %s', (dialect) => {
  let database: TestDatabase;
  let client: Client;
  let app: TestApp;
  let key: string;
  let root: string;
  let folder: string;
  const taskQueue = `crash-${randomUUID()}`;
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    client = await connectTestClient();
    root = mkdtempSync(path.join(tmpdir(), 'tributary-crash-'));
    app = createTestApp({ db: database.db, client, taskQueue, directoryRoots: [root] });
    key = await createTestKey(database.db, 'ws-crash');
    folder = path.join(root, 'docs');
    writeTextFiles(folder, FILES);
  });
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await client?.connection.close();
    await database?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  function startWorker(): RunningProcess {
    const worker = runEntryPoint('worker/main.ts', {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      TRIBUTARY_SECRET_KEY: testSecretKey,
      TRIBUTARY_DIRECTORY_ROOTS: root,
      LOG_LEVEL: 'warn',
      // Pages of about 16 files: many small commits keep the sync running when the worker is killed.
      TRIBUTARY_MAX_PAGE_BYTES: String(16 * 1024),
      // The worker finds the SQLite file in its data dir, or PostgreSQL at DATABASE_URL.
      ...(database.target.kind === 'sqlite'
        ? { TRIBUTARY_DATA_DIR: path.dirname(database.target.filename) }
        : { DATABASE_URL: database.url, TRIBUTARY_DATA_DIR: path.join(root, 'data') }),
    });
    workers.push(worker);
    return worker;
  }

  it('finishes on a new worker, and the collection equals the source exactly', async () => {
    const first = startWorker();
    const created = await call(app, 'POST', '/v1/connectors', { key, body: { name: 'Crash', type: 'upload', config: { directory: folder } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const connectorId = created.body.data.id;
    const started = await call(app, 'POST', `/v1/connectors/${connectorId}/sync`, { key });
    const jobId = started.body.data.jobId;

    await eventually(async () => {
      const job = await call(app, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}`, { key });
      expect(job.body.data.progress.collected).toBeGreaterThanOrEqual(1000);
    }, 60_000);
    first.child.kill('SIGKILL');
    await first.exited;

    // With no worker up, the status still answers, from the job row (its latency is in bench/).
    const orphan = await call(app, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}`, { key });
    expect(orphan.status).toBe(200);
    expect(orphan.body.data.status).toBe('running');
    expect(orphan.body.data.progress.collected).toBeGreaterThanOrEqual(1000);

    startWorker();
    const finished = await eventually(async () => {
      const job = await call(app, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}`, { key });
      expect(job.body.data.status).toBe('succeeded');
      return job.body.data;
    }, 120_000);
    expect(finished.progress).toMatchObject({ collected: FILES, indexed: FILES, failed: 0, total: FILES });

    const stored = await database.db.selectFrom('documents').select('external_id').where('connector_id', '=', connectorId).execute();
    const expected = readdirSync(folder).flatMap((part) => readdirSync(path.join(folder, part)).map((file) => `${part}/${file}`));
    expect(stored).toHaveLength(FILES);
    expect(stored.map((row) => row.external_id).sort()).toEqual(expected.sort());
  });
});
