import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runEntryPoint, type RunningProcess } from '../../../tools/processes.ts';
import type { SyncJob } from '../../../domain/sync-job.ts';
import { WORKER_NODE_FLAGS } from '../../../worker/node-flags.ts';
import { call, createTestApp, createTestKey, testSecretKey, type TestApp } from '../../support/api.ts';
import { createTestDatabase, dialects, type Dialect, type TestDatabase } from '../../support/databases.ts';
import { startFakeSite } from '../../support/fake-site.ts';
import { writeTextFiles } from '../../support/fixtures.ts';
import { connectTestClient, countRetriedSyncPages } from '../../support/temporal.ts';
import { confluenceScenario } from '../../support/providers/confluence.ts';
import { githubScenario } from '../../support/providers/github.ts';
import { googleDriveScenario } from '../../support/providers/google-drive.ts';
import { jiraScenario } from '../../support/providers/jira.ts';
import { sharepointScenario } from '../../support/providers/microsoft-graph.ts';
import { notionScenario } from '../../support/providers/notion.ts';
import { salesforceScenario } from '../../support/providers/salesforce.ts';
import { slackScenario } from '../../support/providers/slack.ts';
import type { SaasProvider, SourceScenario } from '../../support/providers/saas-provider.ts';

const FILES = 10_000;
const KILL_POINTS = [0.25, 0.5, 0.75];
/** The fake site's pages besides its extra ones: '/d' comes from the sitemap; '/private/secret' is refused by robots.txt. */
const SITE_FIXED_PAGES = ['/', '/a', '/b', '/c', '/d'];
const SITE_PAGES = 500;
const SITE_DELAY_MS = 10;
/** How long each SaaS provider takes to answer, so that its few pages last long enough for a kill to land in one. */
const SAAS_LATENCY_MS = 1000;
/** Longer than the test waits before the kill: a request held this long is still unanswered when the worker dies. */
const STALLED_MS = 60_000;
const saasScenarios = [
  githubScenario,
  jiraScenario,
  confluenceScenario,
  slackScenario,
  notionScenario,
  googleDriveScenario,
  sharepointScenario,
  salesforceScenario,
] as SourceScenario[];
/** A killed worker's page is retried once its 20 s heartbeat timeout passes; anything far beyond that is a stuck job. */
const STALL_MS = 90_000;

/** Every worker process the file starts, so that none outlives it. */
const workers: RunningProcess[] = [];
let root: string;
let folder: string;
let sourceIds: string[];

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'tributary-kills-'));
  folder = path.join(root, 'docs');
  writeTextFiles(folder, FILES);
  sourceIds = readdirSync(folder).flatMap((part) => readdirSync(path.join(folder, part)).map((file) => `${part}/${file}`));
});
afterAll(() => {
  for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  if (root) rmSync(root, { recursive: true, force: true });
});

describe.each(dialects)('a worker killed -9 three times during a sync, on %s', (dialect) => {
  let plane: Plane;
  beforeAll(async () => {
    plane = await openPlane(dialect);
  });
  afterAll(async () => {
    await plane?.close();
  });

  it('finishes on the fourth worker with every source document stored exactly once', async () => {
    let worker = await plane.startWorker();
    const { connectorId, jobId, startedAt } = await plane.startSync({ name: 'Kills', type: 'upload', config: { directory: folder } });
    for (const point of KILL_POINTS) {
      await plane.waitForCollected(connectorId, jobId, FILES * point);
      await plane.killPageRunner(jobId, [worker]);
      worker = await plane.startWorker();
    }
    const job = await plane.waitForEnd(connectorId, jobId);
    const seconds = (Date.now() - startedAt) / 1000;

    await expectExactly(plane, { connectorId, jobId, job, expected: sourceIds, kills: KILL_POINTS.length, label: `upload, ${dialect}`, seconds });
  });
});

describe('workers killed -9 during a sync, on postgres', () => {
  let plane: Plane;
  beforeAll(async () => {
    plane = await openPlane('postgres');
  });
  afterAll(async () => {
    await plane?.close();
  });

  it('finishes a crawl on a new worker with every page of the site stored exactly once', async () => {
    // The delay makes a page (ten fetches) last long enough for the kill to land inside it.
    const site = await startFakeSite({ extraPages: SITE_PAGES - SITE_FIXED_PAGES.length, failingPages: false, delayMs: SITE_DELAY_MS });
    try {
      const extra = Array.from({ length: SITE_PAGES - SITE_FIXED_PAGES.length }, (_, index) => `/extra/${index}`);
      const pages = [...SITE_FIXED_PAGES, ...extra].map((page) => `${site.url}${page}`);
      const worker = await plane.startWorker();
      const { connectorId, jobId, startedAt } = await plane.startSync({
        name: 'Crawl',
        type: 'web_scraper',
        config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0, maxPages: 1000 },
      });
      await plane.waitForCollected(connectorId, jobId, SITE_PAGES / 2);
      await plane.killPageRunner(jobId, [worker]);
      await plane.startWorker();
      const job = await plane.waitForEnd(connectorId, jobId);
      const seconds = (Date.now() - startedAt) / 1000;

      await expectExactly(plane, { connectorId, jobId, job, expected: pages, kills: 1, label: 'crawl, postgres', seconds });
    } finally {
      await site.close();
    }
  });

  it('finishes on the surviving worker of two when the one running the page is killed', async () => {
    const [first, second] = await Promise.all([plane.startWorker(), plane.startWorker()]);
    const { connectorId, jobId, startedAt } = await plane.startSync({ name: 'Scale-out', type: 'upload', config: { directory: folder } });
    await plane.waitForCollected(connectorId, jobId, FILES / 2);
    const victim = await plane.killPageRunner(jobId, [first!, second!]);
    // No worker is started: the survivor alone must pick up the killed page and the rest.
    const job = await plane.waitForEnd(connectorId, jobId);
    const seconds = (Date.now() - startedAt) / 1000;

    const survivor = victim === first ? second! : first!;
    expect({ exitCode: survivor.child.exitCode, signalCode: survivor.child.signalCode }, survivor.output().slice(-4000)).toEqual({
      exitCode: null,
      signalCode: null,
    });
    await expectExactly(plane, { connectorId, jobId, job, expected: sourceIds, kills: 1, label: 'scale-out upload, postgres', seconds });
  });
});

describe('the SaaS readers with their worker killed -9 mid-sync, on postgres', () => {
  let plane: Plane;
  const providers: SaasProvider[] = [];
  beforeAll(async () => {
    plane = await openPlane('postgres');
  });
  afterAll(async () => {
    await plane?.close();
    await Promise.all(providers.map((provider) => provider.close()));
  });

  it('ends every sync with exactly the seeded documents, each page cut short read again from its checkpoint', async () => {
    const running = await Promise.all(
      saasScenarios.map(async (scenario) => {
        const provider = await scenario.start();
        providers.push(provider);
        const credentialId = await plane.createCredential({ name: scenario.type, type: scenario.type, ...scenario.tokenCredential(provider) });
        return { scenario, provider, credentialId };
      }),
    );
    let worker = await plane.startWorker();
    const syncs = await Promise.all(
      running.map(async ({ scenario, provider, credentialId }) => {
        // Slow answers keep every sync inside a page when the worker dies.
        provider.faults.setLatency(SAAS_LATENCY_MS);
        const started = await plane.startSync({ name: scenario.type, type: scenario.type, config: scenario.config(provider), credentialId });
        // Once a sync has committed a page its provider stops answering, so the page after it is cut short by the kill.
        await plane.waitForCollected(started.connectorId, started.jobId, 1);
        provider.faults.setLatency(STALLED_MS);
        return { scenario, provider, ...started };
      }),
    );
    await sleep(1500);
    worker.child.kill('SIGKILL');
    await worker.exited;
    for (const { provider } of syncs) provider.faults.setLatency(0);
    worker = await plane.startWorker();
    for (const { scenario, provider, connectorId, jobId, startedAt } of syncs) {
      const job = await plane.waitForEnd(connectorId, jobId);
      const expected = scenario.seeded(provider).map((document) => document.externalId);
      await expectExactly(plane, {
        connectorId,
        jobId,
        job,
        expected,
        kills: 1,
        label: `${scenario.type}, postgres`,
        seconds: (Date.now() - startedAt) / 1000,
      });
    }
  });
});

/**
 * The job succeeded with every item collected and indexed once, the stored ids are exactly
 * `expected` with no duplicate, and each kill cost a retried page; prints the case's figures.
 */
async function expectExactly(
  plane: Plane,
  run: { connectorId: string; jobId: string; job: SyncJob; expected: string[]; kills: number; label: string; seconds: number },
): Promise<void> {
  const { connectorId, jobId, job, expected, kills, label, seconds } = run;
  const stored = await plane.storedIds(connectorId);
  const retried = await plane.retriedPages(jobId);
  // Printed first, so that a failing case shows its figures too.
  console.log(
    `${label}: ${job.status}, ${stored.rows} documents in ${seconds.toFixed(1)} s (${Math.round(stored.rows / seconds)} docs/s), ` +
      `${kills} kills, ${stored.rows - stored.distinct} duplicates, ${retried} pages retried`,
  );
  expect(job.status, await plane.diagnose(jobId)).toBe('succeeded');
  expect(job.progress).toMatchObject({ collected: expected.length, indexed: expected.length, failed: 0 });
  expect(stored.rows).toBe(expected.length);
  expect(stored.distinct).toBe(expected.length);
  expect(difference(stored.ids, expected)).toEqual({ missing: [], unexpected: [] });
  expect(stored.ids.toSorted()).toEqual(expected.toSorted());
  // Else a kill fell between two pages, and the case did not test what it says.
  expect(retried, 'pages retried after the kills').toBeGreaterThanOrEqual(kills);
}

interface Plane {
  startWorker(): Promise<RunningProcess>;
  createCredential(body: { name: string; type: string; kind: string; secret: Record<string, string> }): Promise<string>;
  startSync(body: { name: string; type: string; config: unknown; credentialId?: string }): Promise<{ connectorId: string; jobId: string; startedAt: number }>;
  /** Polls the job until it has collected `atLeast` documents. */
  waitForCollected(connectorId: string, jobId: string, atLeast: number): Promise<number>;
  /** Polls the job until it has ended; a job still active after STALL_MS is stuck. */
  waitForEnd(connectorId: string, jobId: string): Promise<SyncJob>;
  /** The connector's stored external ids, and count(*) and count(distinct external_id) of its documents. */
  storedIds(connectorId: string): Promise<{ ids: string[]; rows: number; distinct: number }>;
  /** Pages of the job whose completed attempt was not the first. */
  retriedPages(jobId: string): Promise<number>;
  /**
   * Kills with SIGKILL the one of `candidates` that the server hands the job's next page to, just
   * after it starts the page (the first of them if none does within 10 s); returns the one killed.
   */
  killPageRunner(jobId: string, candidates: RunningProcess[]): Promise<RunningProcess>;
  /** The job row and the tails of the workers' output, for a failure message. */
  diagnose(jobId: string): Promise<string>;
  close(): Promise<void>;
}

/** A database of the dialect, the API in process on a task queue of its own, and real worker processes on that queue. */
async function openPlane(dialect: Dialect): Promise<Plane> {
  const database: TestDatabase = await createTestDatabase(dialect);
  const client: Client = await connectTestClient();
  const taskQueue = `kills-${dialect}-${randomUUID()}`;
  const app: TestApp = createTestApp({ db: database.db, client, taskQueue, directoryRoots: [root] });
  const key = await createTestKey(database.db, `ws-kills-${dialect}`);
  const mine: RunningProcess[] = [];
  const getJob = async (connectorId: string, jobId: string): Promise<SyncJob> => {
    const response = await call(app, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}`, { key });
    if (response.status !== 200) throw new Error(`GET job answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.data;
  };
  const workflowId = async (jobId: string) => {
    const row = await database.db.selectFrom('sync_jobs').select('workflow_id').where('id', '=', jobId).executeTakeFirstOrThrow();
    return row.workflow_id!;
  };

  const plane: Plane = {
    async startWorker() {
      const worker = runEntryPoint(
        'worker/main.ts',
        {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TEMPORAL_ADDRESS: inject('temporalAddress'),
          TEMPORAL_TASK_QUEUE: taskQueue,
          TRIBUTARY_SECRET_KEY: testSecretKey,
          TRIBUTARY_DIRECTORY_ROOTS: root,
          // The fake site listens on loopback.
          TRIBUTARY_ALLOWED_HOSTS: '127.0.0.0/8,localhost',
          // Pages of about 16 files: a sync of many small commits lasts long enough for every kill to
          // land inside a page, however fast the pages are written.
          TRIBUTARY_MAX_PAGE_BYTES: String(16 * 1024),
          // Info, for the 'worker started' line.
          LOG_LEVEL: 'info',
          ...(database.target.kind === 'sqlite'
            ? { TRIBUTARY_DATA_DIR: path.dirname(database.target.filename) }
            : { DATABASE_URL: database.url, TRIBUTARY_DATA_DIR: path.join(root, `data-${randomUUID()}`) }),
        },
        [],
        WORKER_NODE_FLAGS,
      );
      workers.push(worker);
      mine.push(worker);
      await worker.waitFor(/worker started/, 120_000);
      return worker;
    },

    async createCredential(body) {
      const created = await call(app, 'POST', '/v1/credentials', { key, body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body.data.id as string;
    },

    async startSync(body) {
      const created = await call(app, 'POST', '/v1/connectors', { key, body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const connectorId: string = created.body.data.id;
      const startedAt = Date.now();
      const started = await call(app, 'POST', `/v1/connectors/${connectorId}/sync`, { key });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      return { connectorId, jobId: started.body.data.jobId as string, startedAt };
    },

    async waitForCollected(connectorId, jobId, atLeast) {
      const deadline = Date.now() + STALL_MS;
      for (;;) {
        const job = await getJob(connectorId, jobId);
        if (job.progress.collected >= atLeast) return job.progress.collected;
        if (!['queued', 'running'].includes(job.status) || Date.now() > deadline) {
          throw new Error(`expected ${atLeast} collected, job is ${JSON.stringify(job)}\n${await plane.diagnose(jobId)}`);
        }
        await sleep(100);
      }
    },

    async waitForEnd(connectorId, jobId) {
      const deadline = Date.now() + STALL_MS;
      for (;;) {
        const job = await getJob(connectorId, jobId);
        if (!['queued', 'running', 'canceling'].includes(job.status)) return job;
        if (Date.now() > deadline) throw new Error(`the job is stuck: ${JSON.stringify(job)}\n${await plane.diagnose(jobId)}`);
        await sleep(250);
      }
    },

    async storedIds(connectorId) {
      const documents = database.db.selectFrom('documents').where('connector_id', '=', connectorId);
      const rows = await documents.select('external_id').execute();
      const counts = await documents
        .select((eb) => [eb.fn.countAll().as('rows'), eb.fn.count('external_id').distinct().as('distinct')])
        .executeTakeFirstOrThrow();
      // PostgreSQL counts are bigints, which arrive as strings.
      return { ids: rows.map((row) => row.external_id), rows: Number(counts.rows), distinct: Number(counts.distinct) };
    },

    async retriedPages(jobId) {
      return countRetriedSyncPages(client, await workflowId(jobId));
    },

    async killPageRunner(jobId, candidates) {
      const handle = client.workflow.getHandle(await workflowId(jobId));
      // Kills the worker running the pages as soon as it is found: one activity commits pages for
      // about a second, so it is far from its end almost always, and waiting would let short syncs end.
      let victim: RunningProcess | undefined;
      const deadline = Date.now() + 10_000;
      while (!victim && Date.now() < deadline) {
        const page = (await handle.describe()).raw.pendingActivities?.find((activity) => activity.activityType?.name === 'syncPage');
        // The default identity of a worker is `<pid>@<host>`; a page not yet handed out has none.
        victim = candidates.find((worker) => page?.lastWorkerIdentity === `${worker.child.pid}@${hostname()}`);
        if (!victim) await sleep(5);
      }
      victim ??= candidates[0]!;
      victim.child.kill('SIGKILL');
      await victim.exited;
      return victim;
    },

    async diagnose(jobId) {
      const row = await database.db.selectFrom('sync_jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
      const outputs = mine.map(
        (worker, index) =>
          `--- worker ${index + 1} (pid ${worker.child.pid}, exit ${worker.child.exitCode ?? worker.child.signalCode ?? 'running'}):\n${worker.output().slice(-3000)}`,
      );
      return [`job row: ${JSON.stringify(row)}`, ...outputs].join('\n');
    },

    async close() {
      for (const worker of mine) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await Promise.all(mine.map((worker) => worker.exited));
      await client.connection.close();
      await database.drop();
    },
  };
  return plane;
}

/** The ids missing from `stored` and those it has beyond `expected`, a few of each. */
function difference(stored: string[], expected: string[]): { missing: string[]; unexpected: string[] } {
  const have = new Set(stored);
  const want = new Set(expected);
  return { missing: expected.filter((id) => !have.has(id)).slice(0, 10), unexpected: stored.filter((id) => !want.has(id)).slice(0, 10) };
}
