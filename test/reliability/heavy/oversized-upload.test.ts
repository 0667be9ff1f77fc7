import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMeasuredWorker, type MeasuredWorker } from '../../../bench/worker-process.ts';
import { upsertUploadedFile } from '../../../db/repositories/uploaded-files.ts';
import type { SyncJob } from '../../../domain/sync-job.ts';
import { call, createTestApp, createTestKey, testSecretKey, type TestApp } from '../../support/api.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { connectTestClient } from '../../support/temporal.ts';

const MiB = 1024 * 1024;
/** Over the default 25 MiB document limit: skipped unread. */
const OVERSIZED = { count: 5, bytes: 40 * MiB };
/** Under it: indexed. Few and small enough to stay quick: PostgreSQL's search index takes ~0.25 s a MiB. */
const INDEXED = { count: 3, bytes: 8 * MiB };
/** Before the fix one page held every file, hex-encoded by PostgreSQL on the way: several times this. */
const PEAK_RSS_BOUND_MB = 600;

describe('a sync of uploads far larger than the worker could hold at once, on postgres', () => {
  let database: TestDatabase;
  let client: Client;
  let app: TestApp;
  let key: string;
  let worker: MeasuredWorker | undefined;
  const root = mkdtempSync(path.join(tmpdir(), 'tributary-oversized-'));
  const taskQueue = `oversized-${randomUUID()}`;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    client = await connectTestClient();
    app = createTestApp({ db: database.db, client, taskQueue });
    key = await createTestKey(database.db, 'ws-oversized');
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await database?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it('skips the files over the document limit unread, indexes the rest, and keeps the worker small', async () => {
    // The worker creates the connector too, so it starts first.
    worker = await startMeasuredWorker({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'info',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      TRIBUTARY_SECRET_KEY: testSecretKey,
      DATABASE_URL: database.url,
      TRIBUTARY_DATA_DIR: path.join(root, 'data'),
    });
    const created = await call(app, 'POST', '/v1/connectors', { key, body: { name: 'Oversized', type: 'upload', config: {} } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const connectorId: string = created.body.data.id;
    const files = [
      ...Array.from({ length: OVERSIZED.count }, (_, index) => ({ name: `oversized-${index}.txt`, bytes: OVERSIZED.bytes })),
      ...Array.from({ length: INDEXED.count }, (_, index) => ({ name: `indexed-${index}.txt`, bytes: INDEXED.bytes })),
    ];
    // Stored by the repository the upload route writes with: parsing 200 MiB of multipart would take
    // most of the minute, and the route is not what this case is about.
    const uploadStarted = Date.now();
    for (const file of files) {
      const content = textOf(file.name, file.bytes);
      await upsertUploadedFile(database.db, { connectorId, path: file.name, mimeType: 'text/plain', content, now: new Date().toISOString() });
    }
    const uploadSeconds = (Date.now() - uploadStarted) / 1000;
    const syncStarted = Date.now();
    const started = await call(app, 'POST', `/v1/connectors/${connectorId}/sync`, { key });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const job = await waitForEnd(connectorId, started.body.data.jobId);
    const syncSeconds = (Date.now() - syncStarted) / 1000;
    const failures = await call(app, 'GET', `/v1/connectors/${connectorId}/sync/${job.jobId}/failures?limit=100`, { key });
    const uploadedMb = files.reduce((sum, file) => sum + file.bytes, 0) / MiB;
    // Printed first, so that a failing case shows its figures too.
    console.log(
      `oversized uploads: ${files.length} files, ${uploadedMb} MiB (${OVERSIZED.count} of ${OVERSIZED.bytes / MiB} MiB, ${INDEXED.count} of ${INDEXED.bytes / MiB} MiB) stored in ${uploadSeconds.toFixed(1)} s; ` +
        `job ${job.status} in ${syncSeconds.toFixed(1)} s, ${job.progress.indexed} indexed, ${job.progress.skipped} skipped; ` +
        `worker RSS ${worker.startRssMb} MB at start, ${worker.peakRssMb()} MB at peak (bound ${PEAK_RSS_BOUND_MB} MB)`,
    );

    expect(job).toMatchObject({ status: 'succeeded', error: null });
    expect(job.progress).toMatchObject({
      collected: files.length,
      indexed: INDEXED.count,
      skipped: OVERSIZED.count,
      failed: 0,
      bytes: INDEXED.count * INDEXED.bytes,
    });
    expect(failures.body.data).toEqual(
      Array.from({ length: OVERSIZED.count }, (_, index) => ({
        externalId: `uploads/oversized-${index}.txt`,
        stage: 'skip',
        error: '40 MiB is over the 25 MiB document limit (TRIBUTARY_MAX_DOCUMENT_BYTES)',
        at: expect.any(String),
      })),
    );
    const stored = await database.db
      .selectFrom('documents')
      .select((eb) => ['external_id', eb.fn('length', ['content']).as('length')])
      .where('connector_id', '=', connectorId)
      .orderBy('external_id')
      .execute();
    expect(stored.map((row) => ({ externalId: row.external_id, length: Number(row.length) }))).toEqual(
      Array.from({ length: INDEXED.count }, (_, index) => ({ externalId: `uploads/indexed-${index}.txt`, length: INDEXED.bytes })),
    );
    expect(worker.peakRssMb()).toBeLessThan(PEAK_RSS_BOUND_MB);
  });

  /** The job once it has ended, or as it stands after 45 s, so that a stuck job still shows its figures. */
  async function waitForEnd(connectorId: string, jobId: string): Promise<SyncJob> {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const response = await call(app, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}`, { key });
      const job: SyncJob = response.body.data;
      if (!['queued', 'running', 'canceling'].includes(job.status) || Date.now() > deadline) return job;
      await sleep(250);
    }
  }
});

/** ASCII text of exactly `bytes`, cheap to make: one sentence repeated, named after its file. */
function textOf(name: string, bytes: number): Buffer {
  return Buffer.alloc(bytes, `${name}: the quarterly archive, kept for reference. `);
}
