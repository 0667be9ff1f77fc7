import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { startEnv } from '../support/start-env.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { call, createTestApp, createTestKey, testSecretKey, type TestApp } from '../support/api.ts';
import { eventually } from '../support/control-plane.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { connectTestClient } from '../support/temporal.ts';
import { freePort, portInUse } from '../../tools/ports.ts';
import { descendants, exitWithin, interrupt, isAlive, runEntryPoint, survivors, waitForHttp, type RunningProcess } from '../../tools/processes.ts';
import { writeTextFiles } from '../support/fixtures.ts';
import { startLocalServer, type LocalServer } from '../support/http-server.ts';
import { keptAdminKey } from '../support/admin-key.ts';

/** temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED (@temporalio/proto is not a direct dependency). */
const PENDING_ACTIVITY_STATE_STARTED = 2;
/** temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW. */
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const keptKeyLine = /Admin API key: trb_\S{4}…  \(kept in (\S+)\)/;

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

  it('keeps a generated admin key in an owner-only file, prints its prefix and path on the first start only, and the key works', async () => {
    const first = await startApi(processEnv(database, dataDir));
    running.push(first.api);
    const [, file] = await first.api.waitFor(keptKeyLine, 10_000);
    const kept = keptAdminKey(first.api.output());
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const me = await fetch(`${first.url}/v1/workspaces/me`, { headers: { authorization: `Bearer ${kept}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { data: { workspace: { id: string } } }).data).toMatchObject({ workspace: { id: 'default' } });
    expect(first.api.output().match(new RegExp(keptKeyLine.source, 'g'))).toHaveLength(1);
    first.api.child.kill('SIGTERM');
    expect(await exitWithin(first.api, 20_000, 'the API')).toBe(0);

    // The workspace has its admin key now: a second start says nothing about it.
    const second = await startApi(processEnv(database, dataDir));
    running.push(second.api);
    expect(second.api.output()).not.toMatch(/Admin API key/);
    const again = await fetch(`${second.url}/v1/workspaces/me`, { headers: { authorization: `Bearer ${kept}` } });
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

describe('npm start supervises its processes', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'tributary-start-'));
  const started: RunningProcess[] = [];
  const family: number[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  afterAll(async () => {
    // Only matters when a test failed half-way: nothing of a start outlives the file.
    for (const pid of [...started.map((start) => start.child.pid ?? 0), ...family]) {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    for (const cleanup of cleanups) await cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it.each([
    { setting: 'PORT', name: 'API', host: '0.0.0.0' },
    { setting: 'TEMPORAL_DEV_PORT', name: 'Temporal dev server', host: '127.0.0.1' },
  ] as const)('refuses to start when $setting is taken, naming the port, with no stack trace', async ({ setting, name, host }) => {
    const env = await startEnv(path.join(root, `busy-${setting}`));
    const port = Number(env[setting]);
    const holder = await holdPort(port, host);
    try {
      const start = runEntryPoint('scripts/start.ts', env);
      started.push(start);
      expect(await exitWithin(start, 15_000, 'npm start')).toBe(1);
      expect(start.output()).toContain(`Port ${port} (${name}) is already in use; stop the other Tributary or set ${setting}`);
      expect(start.output()).not.toMatch(/\n\s+at /);
      expect(start.output()).not.toContain('Tributary is running');
      expect(start.output()).not.toContain('starting the Temporal dev server');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('leaves no worker, API or dev server behind, and frees their ports, when the start script is killed with SIGKILL', async () => {
    const env = await startEnv(path.join(root, 'sigkill'));
    const start = await startTributary(env);
    started.push(start);
    const children = descendants(start.child.pid!);
    family.push(...children);
    expect(workerPids(start)).toHaveLength(1);
    expect(apiPids(start)).toHaveLength(1);
    expect(devServerPids(start).length).toBeGreaterThan(0);

    start.child.kill('SIGKILL');
    expect(await survivors(children, 5_000)).toEqual([]);
    expect(await portInUse(Number(env.PORT), '0.0.0.0')).toBe(false);
    expect(await portInUse(Number(env.TEMPORAL_DEV_PORT), '127.0.0.1')).toBe(false);
    expect(await portInUse(Number(env.TEMPORAL_UI_PORT), '127.0.0.1')).toBe(false);
  });

  describe('one start, then Ctrl-C', () => {
    let env: NodeJS.ProcessEnv;
    let start: RunningProcess;
    let client: Client;
    let site: LocalServer;
    // While set, the site holds every request until it settles, so that a sync's activity stays in flight.
    let held: Promise<void> | undefined;
    let holding = 0;

    beforeAll(async () => {
      site = await startLocalServer(async (request, response) => {
        if (held) {
          holding += 1;
          await held;
        }
        if (request.path !== '/') return response.writeHead(404).end();
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>Held</title></head><body>One page.</body></html>');
      });
      cleanups.push(() => site.close());
      env = await startEnv(path.join(root, 'ctrl-c'), { TRIBUTARY_ALLOWED_HOSTS: '127.0.0.1' });
      start = await startTributary(env);
      started.push(start);
      family.push(...descendants(start.child.pid!));
      client = await connectTestClient(`127.0.0.1:${env.TEMPORAL_DEV_PORT}`);
      cleanups.push(() => client.connection.close());
    });

    it('prints that Tributary is running only once the worker polls its task queue', async () => {
      expect(await workflowPollers(client, 'tributary')).toBeGreaterThan(0);
      const output = start.output();
      expect(output.indexOf('worker started')).toBeGreaterThan(-1);
      expect(output.indexOf('worker started')).toBeLessThan(output.indexOf('Tributary is running'));
    });

    it('on Ctrl-C in the middle of a sync, lets the worker finish its activity while the dev server is up, then stops the dev server', async () => {
      const key = keptAdminKey(start.output());
      const api = async (method: string, pathname: string, body: unknown) => {
        const response = await fetch(`http://127.0.0.1:${env.PORT}${pathname}`, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: response.status, body: (await response.json()) as { data: { id: string } } };
      };
      const created = await api('POST', '/v1/connectors', {
        name: 'Held site',
        type: 'web_scraper',
        config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0 },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      let release = () => {};
      held = new Promise((resolve) => (release = resolve));
      expect((await api('POST', `/v1/connectors/${created.body.data.id}/sync`, {})).status).toBe(202);
      await eventually(async () => expect(holding).toBeGreaterThan(0), 30_000);
      const [worker] = workerPids(start);
      const devServer = devServerPids(start);
      const children = descendants(start.child.pid!);

      interrupt(start);
      // A dev server signalled along with the worker stops within about a second; this one must not.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(isAlive(worker!)).toBe(true);
      release();
      expect(await survivors([worker!], 30_000)).toEqual([]);
      expect(devServer.filter(isAlive)).toEqual(devServer);
      expect(await exitWithin(start, 30_000, 'npm start')).toBe(0);
      expect(start.output()).toContain('worker stopped');
      expect(await survivors(children)).toEqual([]);
    });
  });
});

/** `npm start` in its own process group, as a terminal runs it, once it says it is running. */
async function startTributary(env: NodeJS.ProcessEnv): Promise<RunningProcess> {
  const start = runEntryPoint('scripts/start.ts', env, [], [], { ownProcessGroup: true });
  await start.waitFor(/Press Ctrl-C to stop/, 60_000);
  return start;
}

const workerPids = (start: RunningProcess) => descendants(start.child.pid!, /worker\/main\.ts/);
const apiPids = (start: RunningProcess) => descendants(start.child.pid!, /api\/main\.ts/);
const devServerPids = (start: RunningProcess) => descendants(start.child.pid!, /start-dev/);

/** The pollers the server has seen on a task queue; a poll lands on any of its partitions (four by default). */
async function workflowPollers(client: Client, taskQueue: string): Promise<number> {
  let pollers = 0;
  for (let partition = 0; partition < 4; partition += 1) {
    const name = partition === 0 ? taskQueue : `/_sys/${taskQueue}/${partition}`;
    const response = await client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name }, taskQueueType: TASK_QUEUE_TYPE_WORKFLOW });
    pollers += response.pollers?.length ?? 0;
  }
  return pollers;
}

/** Listens on `port` as another program would; a client that reaches it is hung up on, so closing never waits. */
function holdPort(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
