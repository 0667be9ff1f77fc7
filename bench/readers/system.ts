import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app.ts';
import { createDatabase, type Db } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { createSecretCipher } from '../../secrets/cipher.ts';
import { createTestKey, testAppDependencies } from '../../test/support/api.ts';
import { startMeasuredWorker, type MeasuredWorker } from '../worker-process.ts';

/** One source's Tributary: its own SQLite store, the API in process, and a worker process on its own task queue. */
export interface Stack {
  db: Db;
  app: ReturnType<typeof createApp>;
  /** An admin key of the stack's workspace. */
  key: string;
  /** Started on demand, so the baseline runs on the store before the worker competes for the cores. */
  startWorker(): Promise<MeasuredWorker>;
  close(): Promise<void>;
}

export async function openStack(temporal: { client: Client; address: string }): Promise<Stack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tributary-bench-readers-'));
  const db = createDatabase({ kind: 'sqlite', filename: path.join(dataDir, 'tributary.sqlite') });
  await migrateToLatest(db);
  const taskQueue = `bench-readers-${randomUUID()}`;
  // As strong as TRIBUTARY_SECRET_KEY must be; the API seals credentials that the worker opens.
  const secretKey = randomBytes(32).toString('base64');
  const app = createApp({ ...testAppDependencies({ db, client: temporal.client, taskQueue }), cipher: createSecretCipher(secretKey) });
  let worker: MeasuredWorker | undefined;
  return {
    db,
    app,
    key: await createTestKey(db, 'bench'),
    async startWorker() {
      worker = await startMeasuredWorker({
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        TRIBUTARY_SECRET_KEY: secretKey,
        TRIBUTARY_DATA_DIR: dataDir,
        // The seeded sources all listen on loopback, which the address policy refuses by default.
        TRIBUTARY_ALLOWED_HOSTS: '127.0.0.0/8,localhost',
        LOG_LEVEL: 'info',
      });
      return worker;
    },
    async close() {
      await worker?.stop();
      await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
