import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../../db/database.ts';
import { freePort } from '../../../tools/ports.ts';
import { runEntryPoint, waitForHttp, type RunningProcess } from '../../../tools/processes.ts';
import { testSecretKey } from '../../support/api.ts';
import { eventually } from '../../support/control-plane.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { writeTextFiles } from '../../support/fixtures.ts';
import { findLocalCluster } from '../../support/postgres-cluster.ts';

const FILES = 20_000;
/** How long PostgreSQL stays stopped, polled all along. */
const DOWNTIME_MS = 3_000;
const POLL_INTERVAL_MS = 100;

type Phase = 'before' | 'stopping' | 'down' | 'starting' | 'recovering';
interface Answer {
  /** The phase the request was sent and answered in; `transition` when those differ. */
  phase: Phase | 'transition';
  endpoint: string;
  /** The HTTP status, or why there was none. */
  status: number | string;
  code: string | undefined;
  retryAfter: string | null;
}

// Only a cluster on this machine can be stopped and started; against a remote server the case is skipped.
const cluster = await findLocalCluster(inject('postgresAdminUrl'));

describe.skipIf(!cluster)('PostgreSQL restarted in the middle of a sync, under a real API and worker', () => {
  let database: TestDatabase;
  let root: string;
  let folder: string;
  let url: string;
  let api: RunningProcess;
  let worker: RunningProcess;
  let poller: NodeJS.Timeout | undefined;
  const adminKey = `trb_${randomUUID()}`;
  const taskQueue = `pg-restart-${randomUUID()}`;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    // Only the processes' pools are under test: the test's own holds no connection across the restart.
    await database.db.destroy();
    root = mkdtempSync(path.join(tmpdir(), 'tributary-pg-restart-'));
    folder = path.join(root, 'docs');
    writeTextFiles(folder, FILES);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // info: the worker reports that it polls at info.
      LOG_LEVEL: 'info',
      PORT: String(port),
      DATABASE_URL: database.url,
      TRIBUTARY_DATA_DIR: path.join(root, 'data'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      TRIBUTARY_SECRET_KEY: testSecretKey,
      TRIBUTARY_ADMIN_KEY: adminKey,
      TRIBUTARY_DIRECTORY_ROOTS: root,
    };
    api = runEntryPoint('api/main.ts', env);
    worker = runEntryPoint('worker/main.ts', env);
    url = `http://127.0.0.1:${port}`;
    await Promise.all([waitForHttp(`${url}/readyz`, api), worker.waitFor(/worker started/, 120_000)]);
  });
  afterAll(async () => {
    clearInterval(poller);
    // Whatever happened, leave PostgreSQL up for everyone else.
    if (cluster && !(await cluster.isReady())) await cluster.start();
    api?.child.kill('SIGKILL');
    worker?.child.kill('SIGKILL');
    await database?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const request = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { response, body: text.startsWith('{') ? JSON.parse(text) : text };
  };

  it('answers 503 while it is down, never 500, and both processes carry on and finish the sync once it is back', async () => {
    const created = await request('POST', '/v1/connectors', { name: 'Restart', type: 'upload', config: { directory: folder } });
    expect(created.response.status, JSON.stringify(created.body)).toBe(201);
    const connectorId: string = created.body.data.id;
    const started = await request('POST', `/v1/connectors/${connectorId}/sync`);
    expect(started.response.status, JSON.stringify(started.body)).toBe(202);
    const jobId: string = started.body.data.jobId;
    const jobRoute = `/v1/connectors/${connectorId}/sync/${jobId}`;
    const collectedAtStop = await eventually(async () => {
      const job = await request('GET', jobRoute);
      expect(job.body.data.progress.collected).toBeGreaterThanOrEqual(FILES * 0.3);
      return job.body.data.progress.collected as number;
    }, 60_000);
    // The outage must land in the middle of the sync, not after it.
    expect(collectedAtStop).toBeLessThan(FILES);

    const endpoints: { name: string; method: string; route: string; body?: unknown }[] = [
      { name: 'GET /v1/connectors', method: 'GET', route: '/v1/connectors' },
      { name: 'GET /v1/connectors/{id}/sync/{jobId}', method: 'GET', route: jobRoute },
      {
        name: 'POST /v1/connectors',
        method: 'POST',
        route: '/v1/connectors',
        body: { name: 'Written while down', type: 'upload', config: { directory: folder } },
      },
      { name: 'GET /readyz', method: 'GET', route: '/readyz' },
      { name: 'GET /healthz', method: 'GET', route: '/healthz' },
    ];
    let phase: Phase = 'before';
    const answers: Answer[] = [];
    const ask = async (endpoint: (typeof endpoints)[number]): Promise<Answer> => {
      const sentIn = phase;
      try {
        const { response, body } = await request(endpoint.method, endpoint.route, endpoint.body);
        return {
          phase: phase === sentIn ? sentIn : 'transition',
          endpoint: endpoint.name,
          status: response.status,
          code: body?.error?.code,
          retryAfter: response.headers.get('retry-after'),
        };
      } catch (error) {
        return { phase: 'transition', endpoint: endpoint.name, status: `no answer: ${(error as Error).message}`, code: undefined, retryAfter: null };
      }
    };
    // Each endpoint every 100 ms whether or not its last answer has come: a write sent just before the
    // stop waits on its workflow through the whole outage, and must not stop the probing.
    const inFlight: Promise<void>[] = [];
    poller = setInterval(() => {
      for (const endpoint of endpoints) inFlight.push(ask(endpoint).then((answer) => void answers.push(answer)));
    }, POLL_INTERVAL_MS);

    const stopAt = Date.now();
    let downAt = 0;
    let startAt = 0;
    let upAt = 0;
    try {
      phase = 'stopping';
      await cluster!.stop();
      downAt = Date.now();
      phase = 'down';
      await sleep(DOWNTIME_MS);
      expectAlive(api, worker);
    } finally {
      phase = 'starting';
      startAt = Date.now();
      await cluster!.start();
      upAt = Date.now();
      phase = 'recovering';
    }

    // Back without a restart of either process.
    await eventually(async () => {
      expect((await request('GET', '/v1/connectors')).response.status).toBe(200);
      expect((await request('GET', '/readyz')).response.status).toBe(200);
    }, 30_000);
    const recoveredAt = Date.now();
    clearInterval(poller);
    await Promise.all(inFlight);

    expect(answers.filter((answer) => answer.status === 500 || typeof answer.status === 'string')).toEqual([]);
    // Writes sent just before the stop may still succeed; nothing else but a 503 is an answer.
    expect(answers.filter((answer) => ![200, 201, 202, 503].includes(answer.status as number))).toEqual([]);
    const down = answers.filter((answer) => answer.phase === 'down');
    for (const endpoint of endpoints) expect(down.filter((answer) => answer.endpoint === endpoint.name).length).toBeGreaterThanOrEqual(10);
    for (const answer of down) {
      if (answer.endpoint === 'GET /healthz') expect(answer.status).toBe(200);
      else expect(answer.status, JSON.stringify(answer)).toBe(503);
      if (answer.endpoint.includes('/v1/')) expect(answer).toMatchObject({ code: 'database_unavailable', retryAfter: expect.stringMatching(/^\d+$/) });
    }

    const finished = await eventually(async () => {
      const job = await request('GET', jobRoute);
      expect(job.body.data.status).toBe('succeeded');
      return job.body.data;
    }, 120_000);
    const syncSeconds = (Date.parse(finished.finishedAt) - Date.parse(finished.startedAt)) / 1000;
    expect(finished.progress).toMatchObject({ collected: FILES, indexed: FILES, failed: 0, total: FILES });
    expectAlive(api, worker);

    const db = createDatabase(database.target);
    try {
      const stored = await db.selectFrom('documents').select('external_id').where('connector_id', '=', connectorId).execute();
      const expected = readdirSync(folder).flatMap((part) => readdirSync(path.join(folder, part)).map((file) => `${part}/${file}`));
      expect(stored).toHaveLength(FILES);
      expect(stored.map((row) => row.external_id).sort()).toEqual(expected.sort());
    } finally {
      await db.destroy();
    }

    const count = (status: number) => answers.filter((answer) => answer.status === status).length;
    console.log(
      [
        `PostgreSQL ${cluster!.name} restarted at ${collectedAtStop} of ${FILES} files collected`,
        `stop took ${((downAt - stopAt) / 1000).toFixed(1)} s, stopped for ${((startAt - downAt) / 1000).toFixed(1)} s, start took ${((upAt - startAt) / 1000).toFixed(1)} s`,
        `unavailable for ${((upAt - stopAt) / 1000).toFixed(1)} s; API answering 200 again ${((recoveredAt - upAt) / 1000).toFixed(1)} s after the start`,
        `${answers.length} answers, ${count(503)} of them 503, none 500; by endpoint, while stopped: ${endpoints.map((endpoint) => `${endpoint.name} ${tally(down, endpoint.name)}`).join('; ')}`,
        `by endpoint, over the whole restart: ${endpoints.map((endpoint) => `${endpoint.name} ${tally(answers, endpoint.name)}`).join('; ')}`,
        `sync of ${FILES} files succeeded in ${syncSeconds.toFixed(1)} s, the outage included`,
        `log lines at warn or above: API ${warnings(api)}, worker ${warnings(worker)}`,
      ].join('\n'),
    );
  });
});

function expectAlive(api: RunningProcess, worker: RunningProcess): void {
  const exits = { api: api.child.exitCode, worker: worker.child.exitCode };
  const reports = Object.entries({ api, worker })
    .filter(([, running]) => running.child.exitCode !== null)
    .map(([name, running]) => `${name}:\n${crashOf(running.output())}`);
  expect(exits, reports.join('\n')).toEqual({ api: null, worker: null });
}

/** The head of Node's report of an uncaught error (the tail is an object dump), else the last lines. */
function crashOf(output: string): string {
  const at = output.search(/^node:[\w/]+:\d+$/m);
  return at >= 0 ? output.slice(at, at + 1500) : output.slice(-2000);
}

/** `503×32 200×2`: how often the endpoint answered each status. */
function tally(answers: Answer[], endpoint: string): string {
  const counts = new Map<number | string, number>();
  for (const answer of answers) if (answer.endpoint === endpoint) counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
  return [...counts].map(([status, times]) => `${status}×${times}`).join(' ');
}

/** pino's warn is level 40, error 50, fatal 60. */
function warnings(running: RunningProcess): number {
  return running.output().match(/"level":[456]0\b/g)?.length ?? 0;
}
