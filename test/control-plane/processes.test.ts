import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { call, createTestApp, createTestKey, testSecretKey, type TestApp } from '../support/api.ts';
import { eventually } from '../support/control-plane.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { connectTestClient } from '../support/temporal.ts';
import { freePort } from '../../tools/ports.ts';
import { exitWithin, runEntryPoint, waitForHttp, type RunningProcess } from '../../tools/processes.ts';
import { writeTextFiles } from '../support/fixtures.ts';

/** temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED (@temporalio/proto is not a direct dependency). */
const PENDING_ACTIVITY_STATE_STARTED = 2;
const generatedKeyLine = /Generated admin API key \(shown once, store it now\): (trb_\S+)/;

/** The environment of `npm run api` or `npm run worker` on the test's database and the shared dev server. */
function processEnv(database: TestDatabase, dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'info',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TRIBUTARY_SECRET_KEY: testSecretKey,
    // The processes find the SQLite file in their data dir, or PostgreSQL at DATABASE_URL.
    ...(database.target.kind === 'sqlite'
      ? { TRIBUTARY_DATA_DIR: path.dirname(database.target.filename) }
      : { DATABASE_URL: database.url, TRIBUTARY_DATA_DIR: dataDir }),
    ...extra,
  };
}

async function startApi(env: NodeJS.ProcessEnv): Promise<{ api: RunningProcess; url: string }> {
  const port = await freePort();
  const api = runEntryPoint('api/main.ts', { ...env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, api);
  return { api, url };
}

describe.each(dialects)('npm run api alone, on %s', (dialect) => {
  let database: TestDatabase;
  let dataDir: string;
  const running: RunningProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    dataDir = mkdtempSync(path.join(tmpdir(), 'tributary-api-'));
  });
  afterAll(async () => {
    for (const process of running) process.child.kill('SIGKILL');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a generated admin key once, on the first start only, and the key works', async () => {
    const first = await startApi(processEnv(database, dataDir));
    running.push(first.api);
    const printed = (await first.api.waitFor(generatedKeyLine, 10_000))[1]!;
    const me = await fetch(`${first.url}/v1/workspaces/me`, { headers: { authorization: `Bearer ${printed}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { data: { workspace: { id: string } } }).data).toMatchObject({ workspace: { id: 'default' } });
    expect(first.api.output().match(new RegExp(generatedKeyLine.source, 'g'))).toHaveLength(1);
    first.api.child.kill('SIGTERM');
    expect(await exitWithin(first.api, 20_000, 'the API')).toBe(0);

    // Only the hash was stored: a second start finds the admin key and prints nothing.
    const second = await startApi(processEnv(database, dataDir));
    running.push(second.api);
    expect(second.api.output()).not.toMatch(/Generated admin API key/);
    expect(second.api.output()).not.toContain(printed);
    const again = await fetch(`${second.url}/v1/workspaces/me`, { headers: { authorization: `Bearer ${printed}` } });
    expect(again.status).toBe(200);
    second.api.child.kill('SIGTERM');
    expect(await exitWithin(second.api, 20_000, 'the API')).toBe(0);
  });
});

describe('SIGTERM stops each process cleanly', () => {
  // Enough pages that one is still being read when the test looks, however fast the machine.
  const FILES = 20_000;
  let database: TestDatabase;
  let client: Client;
  let app: TestApp;
  let key: string;
  let root: string;
  const taskQueue = `sigterm-${randomUUID()}`;
  const running: RunningProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    client = await connectTestClient();
    root = mkdtempSync(path.join(tmpdir(), 'tributary-sigterm-'));
    app = createTestApp({ db: database.db, client, taskQueue, directoryRoots: [root] });
    key = await createTestKey(database.db, 'ws-sigterm');
    writeTextFiles(path.join(root, 'docs'), FILES);
  });
  afterAll(async () => {
    for (const process of running) process.child.kill('SIGKILL');
    await client?.connection.close();
    await database?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it('the API exits 0 on SIGTERM', async () => {
    const { api, url } = await startApi(processEnv(database, root, { TRIBUTARY_ADMIN_KEY: `trb_${randomUUID()}` }));
    running.push(api);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    api.child.kill('SIGTERM');
    expect(await exitWithin(api, 20_000, 'the API')).toBe(0);
  });

  it('the worker exits 0 on SIGTERM in the middle of a sync, after its running activity has finished', async () => {
    const worker = runEntryPoint('worker/main.ts', processEnv(database, root, { TEMPORAL_TASK_QUEUE: taskQueue, TRIBUTARY_DIRECTORY_ROOTS: root }));
    running.push(worker);
    await worker.waitFor(/worker started/, 120_000);
    const created = await call(app, 'POST', '/v1/connectors', {
      key,
      body: { name: 'Sigterm', type: 'upload', config: { directory: path.join(root, 'docs') } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const connectorId = created.body.data.id;
    const jobId = (await call(app, 'POST', `/v1/connectors/${connectorId}/sync`, { key })).body.data.jobId;
    await eventually(async () => {
      const job = await call(app, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}`, { key });
      expect(job.body.data.progress.collected).toBeGreaterThanOrEqual(1000);
    }, 60_000);
    const row = await database.db.selectFrom('sync_jobs').select('workflow_id').where('id', '=', jobId).executeTakeFirstOrThrow();
    const handle = client.workflow.getHandle(row.workflow_id!);
    const startedActivities = async () =>
      ((await handle.describe()).raw.pendingActivities ?? []).filter((activity) => activity.state === PENDING_ACTIVITY_STATE_STARTED);
    // SIGTERM while a page is being read (a page of 1000 files takes far longer than this round trip).
    const inFlight = await eventually(async () => {
      const [activity] = await startedActivities();
      if (!activity) throw new Error('no page activity running yet');
      return activity;
    }, 30_000);

    worker.child.kill('SIGTERM');
    expect(await exitWithin(worker, 30_000, 'the worker')).toBe(0);
    expect(worker.output()).toContain('worker stopped');

    // That page was finished and reported, not abandoned or cancelled: no activity is left started,
    // and none failed.
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');
    const pending = description.raw.pendingActivities ?? [];
    expect(pending.map((activity) => activity.activityId)).not.toContain(inFlight.activityId);
    expect(await startedActivities()).toEqual([]);
    expect(pending.filter((activity) => activity.lastFailure)).toEqual([]);
  });
});
