import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEnv } from '../../support/start-env.ts';
import { afterAll, describe, expect, it } from 'vitest';
import type { SyncJob } from '../../../domain/sync-job.ts';
import { workflowIds } from '../../../domain/workflow-ids.ts';
import { descendants, exitWithin, interrupt, isAlive, runEntryPoint, survivors, type RunningProcess } from '../../../tools/processes.ts';
import { startFakeSite, type FakeSite } from '../../support/fake-site.ts';
import { connectTestClient, countRetriedSyncPages } from '../../support/temporal.ts';

/** The fake site's pages besides its extra ones: '/d' comes from the sitemap; '/private/secret' is refused by robots.txt. */
const SITE_FIXED_PAGES = ['/', '/a', '/b', '/c', '/d'];
const SITE_PAGES = 250;
/** Per request: 250 pages at 40 ms make a crawl of 10 s or more, so a stop lands in its middle. */
const SITE_DELAY_MS = 40;
/** A page killed with its worker is retried once its 20 s heartbeat timeout passes; far beyond that is a stuck job. */
const STALL_MS = 90_000;

/** Every start of the file and every process under one, so that none outlives it. */
const starts: RunningProcess[] = [];
const family = new Set<number>();
const sites: FakeSite[] = [];
const root = mkdtempSync(path.join(tmpdir(), 'tributary-stack-restart-'));

afterAll(async () => {
  for (const start of starts) for (const pid of descendants(start.child.pid ?? 0)) family.add(pid);
  for (const pid of [...starts.map((start) => start.child.pid ?? 0), ...family]) if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
  await Promise.all(sites.map((site) => site.close()));
  rmSync(root, { recursive: true, force: true });
});

describe('npm start restarted in the middle of a crawl, on SQLite', () => {
  it('resumes the same job after Ctrl-C and stores every page of the site exactly once', async () => {
    const { retried } = await crawlAcrossRestart('ctrl-c', async (stack) => {
      const children = descendants(stack.process.child.pid!);
      interrupt(stack.process);
      // The worker finishes its running page before the dev server stops.
      expect(await exitWithin(stack.process, 60_000, 'npm start')).toBe(0);
      expect(await survivors(children)).toEqual([]);
    });
    // The page running at the Ctrl-C was finished and reported, not abandoned to its heartbeat timeout.
    expect(retried).toBe(0);
  });

  it('resumes the same job after kill -9 of the supervisor, the worker, the API and the dev server, and stores every page exactly once', async () => {
    await crawlAcrossRestart('kill -9', async (stack) => {
      const pids = [stack.process.child.pid!, ...descendants(stack.process.child.pid!)];
      expect(pids.length, 'the supervisor, worker, API, dev server guard and dev server').toBeGreaterThanOrEqual(5);
      // All in one go, so that none of them notices another's death and stops cleanly.
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      expect(await survivors(pids)).toEqual([]);
    });
  });
});

interface Stack {
  process: RunningProcess;
  apiUrl: string;
}

/**
 * Starts the stack on a fresh data dir, starts a crawl of a fake site, `stop`s the stack once some
 * pages are in, starts it again on the same data dir and ports, and checks that the same job ends
 * `succeeded` with every page stored once. Prints the case's figures; returns the pages retried.
 */
async function crawlAcrossRestart(label: string, stop: (stack: Stack) => Promise<void>): Promise<{ retried: number }> {
  const site = await startFakeSite({ extraPages: SITE_PAGES - SITE_FIXED_PAGES.length, delayMs: SITE_DELAY_MS, failingPages: false });
  sites.push(site);
  const extra = Array.from({ length: SITE_PAGES - SITE_FIXED_PAGES.length }, (_, index) => `/extra/${index}`);
  const pages = [...SITE_FIXED_PAGES, ...extra].map((page) => `${site.url}${page}`);
  const env = await startEnv(path.join(root, label.replace(/\W+/g, '-')), {
    TRIBUTARY_ADMIN_KEY: `trb_stack-restart-${randomUUID()}`,
    // The fake site listens on loopback.
    TRIBUTARY_ALLOWED_HOSTS: '127.0.0.0/8,localhost',
  });
  const adminKey = env.TRIBUTARY_ADMIN_KEY!;

  const first = await startStack(env);
  const created = await api(first, adminKey, 'POST', '/v1/connectors', {
    name: `Restart ${label}`,
    type: 'web_scraper',
    config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0, maxPages: 1000 },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const connectorId = (created.body as { data: { id: string } }).data.id;
  const started = await api(first, adminKey, 'POST', `/v1/connectors/${connectorId}/sync`, {});
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const jobId = (started.body as { data: { jobId: string } }).data.jobId;
  const crawlStartedAt = Date.now();

  const atStop = await waitForJob(first, adminKey, connectorId, jobId, (job) => job.progress.collected >= SITE_PAGES / 4, 'a quarter of the pages');
  // Else the crawl ended before the stop, and the case did not test what it says.
  expect(atStop.status, JSON.stringify(atStop)).toBe('running');
  expect(atStop.progress.collected).toBeLessThan(SITE_PAGES);
  const stopAt = Date.now();
  await stop(first);
  const stoppedIn = Date.now() - stopAt;
  const fetchesBeforeRestart = site.arrivals.length;

  const restartAt = Date.now();
  const second = await startStack(env);
  const readyIn = Date.now() - restartAt;
  const job = await waitForJob(second, adminKey, connectorId, jobId, (current) => !['queued', 'running', 'canceling'].includes(current.status), 'the end');
  const finishedIn = Date.now() - restartAt;
  const stored = await storedIds(second, adminKey, connectorId);
  const retried = await retriedPages(`127.0.0.1:${env.TEMPORAL_DEV_PORT}`, workflowIds.syncJob(connectorId, jobId));
  const distinct = new Set(stored).size;
  // Printed first, so that a failing case shows its figures too.
  console.log(
    `${label}: stopped at ${atStop.progress.collected}/${SITE_PAGES} pages after ${((stopAt - crawlStartedAt) / 1000).toFixed(1)} s of crawl, ` +
      `stack down in ${(stoppedIn / 1000).toFixed(1)} s; restart ready in ${(readyIn / 1000).toFixed(1)} s, job ${job.status} ` +
      `${(finishedIn / 1000).toFixed(1)} s after the restart; ${stored.length} documents (${stored.length - distinct} duplicates), ` +
      `${retried} pages retried, ${site.arrivals.length} site requests (${fetchesBeforeRestart} before the restart)`,
  );
  const diagnosis = () => diagnose(job, [first, second]);
  expect(job.status, diagnosis()).toBe('succeeded');
  expect(job.progress, diagnosis()).toMatchObject({ collected: SITE_PAGES, indexed: SITE_PAGES, failed: 0 });
  expect(stored.length).toBe(SITE_PAGES);
  expect(distinct).toBe(SITE_PAGES);
  expect(difference(stored, pages)).toEqual({ missing: [], unexpected: [] });
  expect(stored.toSorted()).toEqual(pages.toSorted());

  const children = descendants(second.process.child.pid!);
  interrupt(second.process);
  expect(await exitWithin(second.process, 60_000, 'npm start')).toBe(0);
  expect(await survivors(children)).toEqual([]);
  return { retried };
}

/** `npm start` in its own process group, as a terminal runs it, once it says it is running. */
async function startStack(env: NodeJS.ProcessEnv): Promise<Stack> {
  const start = runEntryPoint('scripts/start.ts', env, [], [], { ownProcessGroup: true });
  starts.push(start);
  await start.waitFor(/Press Ctrl-C to stop/, 120_000);
  for (const pid of descendants(start.child.pid!)) family.add(pid);
  return { process: start, apiUrl: `http://127.0.0.1:${env.PORT}` };
}

async function api(stack: Stack, key: string, method: string, pathname: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${stack.apiUrl}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Polls the job until `done` holds; a job that has not got there within STALL_MS is stuck. */
async function waitForJob(stack: Stack, key: string, connectorId: string, jobId: string, done: (job: SyncJob) => boolean, what: string): Promise<SyncJob> {
  const deadline = Date.now() + STALL_MS;
  for (;;) {
    const response = await api(stack, key, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}`);
    if (response.status !== 200) throw new Error(`GET job answered ${response.status}: ${JSON.stringify(response.body)}`);
    const job = (response.body as { data: SyncJob }).data;
    if (done(job)) return job;
    if (Date.now() > deadline) throw new Error(`the job did not reach ${what} within ${STALL_MS} ms\n${diagnose(job, [stack])}`);
    await sleep(200);
  }
}

/** Every external id of the connector's collection, read through the API page by page. */
async function storedIds(stack: Stack, key: string, connectorId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await api(stack, key, 'GET', `/v1/collections/${connectorId}/documents?${query}`);
    if (response.status !== 200) throw new Error(`GET documents answered ${response.status}: ${JSON.stringify(response.body)}`);
    const page = response.body as { data: Array<{ externalId: string }>; nextCursor: string | null };
    ids.push(...page.data.map((document) => document.externalId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

/** Retried pages of the workflow, asked of the restarted stack's own dev server. */
async function retriedPages(temporalAddress: string, workflowId: string): Promise<number> {
  const client = await connectTestClient(temporalAddress);
  try {
    return await countRetriedSyncPages(client, workflowId);
  } finally {
    await client.connection.close();
  }
}

/** The job and the tails of each start's output (the worker's and the API's logs go to it), for a failure message. */
function diagnose(job: SyncJob, stacks: Stack[]): string {
  const outputs = stacks.map(
    (stack, index) =>
      `--- start ${index + 1} (pid ${stack.process.child.pid}, exit ${stack.process.child.exitCode ?? stack.process.child.signalCode ?? 'running'}):\n` +
      stack.process.output().slice(-3000),
  );
  return [`job: ${JSON.stringify(job)}`, ...outputs].join('\n');
}

/** The ids missing from `stored` and those it has beyond `expected`, a few of each. */
function difference(stored: string[], expected: string[]): { missing: string[]; unexpected: string[] } {
  const have = new Set(stored);
  const want = new Set(expected);
  return { missing: expected.filter((id) => !have.has(id)).slice(0, 10), unexpected: stored.filter((id) => !want.has(id)).slice(0, 10) };
}
