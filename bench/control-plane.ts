import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { adminKeyOf, benchApp, freshDatabase, startTemporal } from './bench-system.ts';
import { percentile, writeDocuments } from './fixtures.ts';
import { printTable, type BenchResult, type Column } from './table.ts';
import { startMeasuredWorker } from './worker-process.ts';

/**
 * The control plane under concurrent clients, over real HTTP: connector creations (each a workflow
 * that creates a Temporal Schedule), the connector list (of connectors whose interval schedules
 * Temporal describes for their next run, and of manual ones, which need no Temporal call), and a
 * sync's status while the sync runs; GET /healthz from the same clients is the floor of the HTTP path.
 */
const { values: options } = parseArgs({
  options: {
    dialects: { type: 'string', default: 'sqlite,postgres' },
    clients: { type: 'string', default: '50' },
    creations: { type: 'string', default: '500' },
    files: { type: 'string', default: '50000' },
    seconds: { type: 'string', default: '5' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const clients = Number(options.clients);
const creations = Number(options.creations);
const files = Number(options.files);
const loadMs = Number(options.seconds) * 1000;
// Clients polling one sync's status, as a few dashboards would.
const statusClients = 4;
const secretKey = randomBytes(32).toString('base64');
const scratch = mkdtempSync(path.join(tmpdir(), 'tributary-control-plane-'));

interface Load {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  statuses: Record<string, number>;
}

function summarise(latencies: number[], statuses: Record<string, number>, elapsedMs: number): Load {
  return {
    requests: latencies.length,
    perSecond: Math.round((latencies.length / elapsedMs) * 10_000) / 10,
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    maxMs: Math.round(Math.max(0, ...latencies)),
    statuses,
  };
}

/**
 * `workers` clients each send one request at a time until `more()` says stop; every answer's body is
 * read, so the latency covers the whole response.
 */
async function drive(workers: number, more: (index: number) => boolean, request: (index: number) => Promise<Response>): Promise<Load> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let index = next++; more(index); index = next++) {
        const sent = performance.now();
        const response = await request(index);
        await response.arrayBuffer();
        latencies.push(performance.now() - sent);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      }
    }),
  );
  return summarise(latencies, statuses, performance.now() - started);
}

const forMs = (ms: number) => {
  const until = performance.now() + ms;
  return () => performance.now() < until;
};

const columns: Column[] = [
  ['dialect', (r) => String(r.dialect)],
  ['create/s', (r) => String(r.creationsPerSecond)],
  ['create p50/p99/max ms', (r) => `${String(r.creationP50Ms)}/${String(r.creationP99Ms)}/${String(r.creationMaxMs)}`],
  ['201/202', (r) => `${String((r.creationStatuses as Record<string, number>)[201] ?? 0)}/${String((r.creationStatuses as Record<string, number>)[202] ?? 0)}`],
  ['list req/s', (r) => String(r.listPerSecond)],
  ['list p50/p99 ms', (r) => `${String(r.listP50Ms)}/${String(r.listP99Ms)}`],
  ['manual list req/s', (r) => String(r.manualListPerSecond)],
  ['manual list p50/p99', (r) => `${String(r.manualListP50Ms)}/${String(r.manualListP99Ms)}`],
  ['healthz req/s', (r) => String(r.healthzPerSecond)],
  ['healthz p50/p99', (r) => `${String(r.healthzP50Ms)}/${String(r.healthzP99Ms)}`],
  ['status p50/p99 ms', (r) => `${String(r.statusP50Ms)}/${String(r.statusP99Ms)}`],
  ['healthz in sync p50/p99', (r) => `${String(r.healthzDuringSyncP50Ms)}/${String(r.healthzDuringSyncP99Ms)}`],
];

async function main() {
  const temporalServer = await startTemporal();
  const temporal = temporalServer.client;
  const results: BenchResult[] = [];

  async function benchmark(dialect: string) {
    const source = path.join(scratch, `files-${dialect}`);
    writeDocuments(source, files, { bytes: 256 });
    const database = await freshDatabase(dialect, { scratch, postgresUrl: options.postgres as string });
    const taskQueue = `bench-${randomUUID()}`;
    // As the API's entry point waits.
    const app = benchApp({ db: database.db, temporal, taskQueue, secretKey, directoryRoots: [scratch], workflowWaitMs: 30_000 });
    // A second workspace whose connectors have manual schedules: its list asks Temporal nothing.
    const keys = { bench: await adminKeyOf(database.db, 'bench'), 'bench-manual': await adminKeyOf(database.db, 'bench-manual') };
    const key = keys.bench;
    const worker = await startMeasuredWorker({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TRIBUTARY_SECRET_KEY: secretKey,
      TRIBUTARY_DIRECTORY_ROOTS: scratch,
      LOG_LEVEL: 'info',
      ...database.env,
    });
    const http = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => http.once('listening', resolve));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const headers = { authorization: `Bearer ${key}` };
    const json = { ...headers, 'content-type': 'application/json' };
    // An interval schedule, so each creation makes a running Temporal Schedule and each list item describes it.
    const create = (name: string) =>
      fetch(`${base}/v1/connectors`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name, type: 'upload', config: {}, schedule: { type: 'interval', everySeconds: 86_400 } }),
      });

    // Warm-up: the worker's first workflow tasks and the API's first requests of each route.
    await drive(
      5,
      (index) => index < 10,
      (index) => create(`warm-${index}`),
    );
    const healthz = await drive(clients, forMs(loadMs), () => fetch(`${base}/healthz`));
    const creation = await drive(
      clients,
      (index) => index < creations,
      (index) => create(`load-${index}`),
    );
    const list = await drive(clients, forMs(loadMs), () => fetch(`${base}/v1/connectors`, { headers }));
    const manualHeaders = { authorization: `Bearer ${keys['bench-manual']!}` };
    await drive(
      10,
      (index) => index < 50,
      (index) =>
        fetch(`${base}/v1/connectors`, {
          method: 'POST',
          headers: { ...manualHeaders, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `manual-${index}`, type: 'upload', config: {} }),
        }),
    );
    const manualList = await drive(clients, forMs(loadMs), () => fetch(`${base}/v1/connectors`, { headers: manualHeaders }));

    const created = await fetch(`${base}/v1/connectors`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'status', type: 'upload', config: { directory: source } }),
    });
    const statusConnector = ((await created.json()) as { data: { id: string } }).data.id;
    const trigger = await fetch(`${base}/v1/connectors/${statusConnector}/sync`, { method: 'POST', headers: json, body: JSON.stringify({ mode: 'full' }) });
    const { jobId } = ((await trigger.json()) as { data: { jobId: string } }).data;
    const statusUrl = `${base}/v1/connectors/${statusConnector}/sync/${jobId}`;
    const statusOf = async () => ((await (await fetch(statusUrl, { headers })).json()) as { data: { status: string; progress: { collected: number } } }).data;
    for (let job = await statusOf(); job.status !== 'running' || job.progress.collected === 0; job = await statusOf()) {
      if (!['queued', 'running'].includes(job.status)) throw new Error(`the sync ended as ${job.status} before it was measured`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Until the sync ends: each client stops once it reads an ended job. One client beside them asks
    // /healthz, the floor of the HTTP path while the sync loads the machine.
    let syncRunning = true;
    const syncStarted = performance.now();
    const [status, statusHealthz] = await Promise.all([
      drive(
        statusClients,
        () => syncRunning,
        async () => {
          const response = await fetch(statusUrl, { headers });
          const job = ((await response.clone().json()) as { data: { status: string } }).data;
          if (!['queued', 'running', 'canceling'].includes(job.status)) syncRunning = false;
          return response;
        },
      ),
      drive(
        1,
        () => syncRunning,
        () => fetch(`${base}/healthz`),
      ),
    ]);
    const syncSeconds = (performance.now() - syncStarted) / 1000;
    const syncState = await statusOf();

    const result = {
      bench: 'control-plane',
      dialect,
      clients,
      creations,
      creationsPerSecond: creation.perSecond,
      creationP50Ms: creation.p50Ms,
      creationP99Ms: creation.p99Ms,
      creationMaxMs: creation.maxMs,
      creationStatuses: creation.statuses,
      listPerSecond: list.perSecond,
      listP50Ms: list.p50Ms,
      listP99Ms: list.p99Ms,
      listStatuses: list.statuses,
      manualListPerSecond: manualList.perSecond,
      manualListP50Ms: manualList.p50Ms,
      manualListP99Ms: manualList.p99Ms,
      healthzPerSecond: healthz.perSecond,
      healthzP50Ms: healthz.p50Ms,
      healthzP99Ms: healthz.p99Ms,
      statusClients,
      statusPerSecond: status.perSecond,
      statusP50Ms: status.p50Ms,
      statusP99Ms: status.p99Ms,
      statusStatuses: status.statuses,
      healthzDuringSyncP50Ms: statusHealthz.p50Ms,
      healthzDuringSyncP99Ms: statusHealthz.p99Ms,
      syncSeconds: Number(syncSeconds.toFixed(1)),
      syncEndedAs: syncState.status,
      syncCollected: syncState.progress.collected,
      workerPeakRssMb: worker.peakRssMb(),
    };
    console.log(JSON.stringify(result));
    results.push(result);
    await new Promise((resolve) => http.close(resolve));
    await worker.stop();
    await database.drop();
    rmSync(source, { recursive: true, force: true });
  }

  try {
    for (const dialect of (options.dialects as string).split(',')) await benchmark(dialect);
  } finally {
    await temporalServer.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  printTable(columns, results);
}

await main();
