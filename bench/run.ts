import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { pino } from 'pino';
import { createApp } from '../api/app.ts';
import { loadConfig } from '../config/env.ts';
import { apiLimitsOf } from '../config/limits.ts';
import { AddressPolicy } from '../net/address-policy.ts';
import { createGuardedFetch } from '../net/guarded-fetch.ts';
import { createDatabase, type Db, type DatabaseTarget } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { ensureWorkspace, insertApiKey } from '../db/repositories/workspaces.ts';
import { generateApiKey, hashApiKey } from '../domain/api-keys.ts';
import { createSecretCipher } from '../secrets/cipher.ts';
import { findOrBuildTemporalCli } from '../temporal/cli.ts';
import { startDevServer } from '../temporal/dev-server.ts';
import { baselineSync } from './baseline.ts';
import { percentile, writeDocuments } from './fixtures.ts';
import { freePort } from '../tools/ports.ts';
import { projectRoot } from '../tools/processes.ts';
import { startMeasuredWorker } from './worker-process.ts';

const { values: options } = parseArgs({
  options: {
    docs: { type: 'string', default: '100000' },
    scale: { type: 'string', default: '1000000' },
    dialects: { type: 'string', default: 'sqlite,postgres' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const docs = Number(options.docs);
const scaleDocs = Number(options.scale);
// As strong as TRIBUTARY_SECRET_KEY must be: 32 random bytes, base64.
const secretKey = randomBytes(32).toString('base64');
const scratch = mkdtempSync(path.join(tmpdir(), 'tributary-bench-'));

async function freshDatabase(dialect: string): Promise<{ db: Db; env: NodeJS.ProcessEnv; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(scratch, 'sqlite-'));
    const target: DatabaseTarget = { kind: 'sqlite', filename: path.join(dir, 'tributary.sqlite') };
    const db = createDatabase(target);
    await migrateToLatest(db);
    return { db, env: { TRIBUTARY_DATA_DIR: dir }, drop: () => db.destroy() };
  }
  const name = `tributary_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: options.postgres });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(options.postgres as string);
  url.pathname = `/${name}`;
  const db = createDatabase({ kind: 'postgres', url: url.toString() });
  await migrateToLatest(db);
  return {
    db,
    env: { DATABASE_URL: url.toString(), TRIBUTARY_DATA_DIR: scratch },
    drop: async () => {
      await db.destroy();
      const again = new pg.Client({ connectionString: options.postgres });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

interface SyncRun {
  seconds: number;
  docsPerSecond: number;
  job: { status: string; progress: Record<string, number> };
}

async function runSync(app: ReturnType<typeof createApp>, key: string, connectorId: string, count: number): Promise<SyncRun> {
  const headers = { authorization: `Bearer ${key}` };
  const started = performance.now();
  const trigger = await app.request(`/v1/connectors/${connectorId}/sync`, { method: 'POST', headers });
  const { data } = (await trigger.json()) as { data: { jobId: string } };
  for (;;) {
    const response = await app.request(`/v1/connectors/${connectorId}/sync/${data.jobId}`, { headers });
    const job = ((await response.json()) as { data: SyncRun['job'] }).data;
    if (!['queued', 'running', 'canceling'].includes(job.status)) {
      const seconds = (performance.now() - started) / 1000;
      return { seconds, docsPerSecond: Math.round(count / seconds), job };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Latencies of the job status while no worker is up: a sync started after the worker stopped stays
 * active, so each request tries the workflow's progress query before answering from the job row.
 */
async function statusLatencyWithoutWorker(app: ReturnType<typeof createApp>, key: string, connectorId: string, samples = 10): Promise<number[]> {
  const headers = { authorization: `Bearer ${key}` };
  const trigger = await app.request(`/v1/connectors/${connectorId}/sync`, { method: 'POST', headers });
  const { data } = (await trigger.json()) as { data: { jobId: string } };
  const latencies: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const asked = performance.now();
    const response = await app.request(`/v1/connectors/${connectorId}/sync/${data.jobId}`, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`status without a worker answered ${response.status}`);
    latencies.push(performance.now() - asked);
  }
  return latencies;
}

/**
 * Time from `POST .../cancel` to the job answering `canceled`, on a full sync signalled while it
 * reads its first pages.
 */
async function cancelLatency(app: ReturnType<typeof createApp>, key: string, connectorId: string): Promise<{ ms: number; status: string }> {
  const headers = { authorization: `Bearer ${key}` };
  const trigger = await app.request(`/v1/connectors/${connectorId}/sync`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'full' }),
  });
  const { data } = (await trigger.json()) as { data: { jobId: string } };
  const statusOf = async () => {
    const response = await app.request(`/v1/connectors/${connectorId}/sync/${data.jobId}`, { headers });
    return ((await response.json()) as { data: { status: string; progress: { collected: number } } }).data;
  };
  for (let job = await statusOf(); job.status !== 'running' || job.progress.collected === 0; job = await statusOf()) {
    if (!['queued', 'running'].includes(job.status)) return { ms: Number.NaN, status: job.status };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const asked = performance.now();
  await app.request(`/v1/connectors/${connectorId}/sync/${data.jobId}/cancel`, { method: 'POST', headers });
  for (;;) {
    const job = await statusOf();
    if (!['queued', 'running', 'canceling'].includes(job.status)) return { ms: performance.now() - asked, status: job.status };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function maxHistoryEvents(client: Client, connectorId: string): Promise<number> {
  let max = 0;
  for await (const run of client.workflow.list({ query: `TributaryConnectorId = '${connectorId}' AND WorkflowType = 'syncConnector'` })) {
    max = Math.max(max, run.historyLength);
  }
  return max;
}

async function main() {
  const cliPath = await findOrBuildTemporalCli({
    explicitPath: process.env.TEMPORAL_CLI_PATH,
    cacheDir: path.join(projectRoot, '.cache'),
    environment: process.env,
    log: console.log,
  });
  const server = await startDevServer({ cliPath, port: await freePort(), uiPort: await freePort(), namespace: 'default', readyTimeoutMs: 120_000 });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const results: Record<string, unknown>[] = [];

  async function benchmark(dialect: string, count: number, label: string) {
    const source = path.join(scratch, `${label}-docs`);
    const generated = performance.now();
    writeDocuments(source, count);
    console.log(`[${label}] wrote ${count} documents in ${((performance.now() - generated) / 1000).toFixed(1)} s`);
    const database = await freshDatabase(dialect);
    const taskQueue = `bench-${randomUUID()}`;
    const app = createApp({
      db: database.db,
      temporal: client,
      taskQueue,
      logger: pino({ level: 'silent' }),
      now: () => new Date(),
      workflowWaitMs: 60_000,
      cipher: createSecretCipher(secretKey),
      directoryRoots: [scratch],
      publicUrl: 'http://127.0.0.1',
      fetch: createGuardedFetch(new AddressPolicy([])),
      limits: apiLimitsOf(loadConfig({})),
      oauthClients: {},
    });
    await ensureWorkspace(database.db, 'bench', 'Bench', new Date());
    const key = generateApiKey();
    await insertApiKey(database.db, {
      id: 'key_bench',
      workspace_id: 'bench',
      name: 'bench',
      role: 'admin',
      key_hash: hashApiKey(key),
      created_at: new Date().toISOString(),
    });

    const baselineStarted = performance.now();
    const baseline = await baselineSync(database.db, { connectorId: 'baseline', directory: source, roots: [scratch] });
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    await database.db.deleteFrom('documents').where('connector_id', '=', 'baseline').execute();

    const worker = await startMeasuredWorker({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TRIBUTARY_SECRET_KEY: secretKey,
      TRIBUTARY_DIRECTORY_ROOTS: scratch,
      LOG_LEVEL: 'info',
      ...database.env,
    });
    const created = await app.request('/v1/connectors', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: label, type: 'upload', config: { directory: source } }),
    });
    const connectorId = ((await created.json()) as { data: { id: string } }).data.id;
    const first = await runSync(app, key, connectorId, count);
    const second = await runSync(app, key, connectorId, count);
    const cancel = await cancelLatency(app, key, connectorId);
    await worker.stop();
    const orphanStatusMs = await statusLatencyWithoutWorker(app, key, connectorId);
    const result = {
      bench: label,
      dialect,
      documents: count,
      baselineDocsPerSecond: Math.round(baseline.documents / baselineSeconds),
      baselinePageP50Ms: Math.round(percentile(baseline.pageMs, 50)),
      baselinePageP99Ms: Math.round(percentile(baseline.pageMs, 99)),
      syncDocsPerSecond: first.docsPerSecond,
      syncSeconds: Number(first.seconds.toFixed(1)),
      ratioToBaseline: Number((first.docsPerSecond / (baseline.documents / baselineSeconds)).toFixed(2)),
      incrementalSeconds: Number(second.seconds.toFixed(1)),
      incrementalRatio: Number((second.seconds / first.seconds).toFixed(3)),
      workerStartRssMb: worker.startRssMb,
      workerPeakRssMb: worker.peakRssMb(),
      cancelMs: Math.round(cancel.ms),
      cancelEndedAs: cancel.status,
      statusWithoutWorkerP50Ms: Math.round(percentile(orphanStatusMs, 50)),
      statusWithoutWorkerMaxMs: Math.round(Math.max(...orphanStatusMs)),
      maxHistoryEventsPerRun: await maxHistoryEvents(client, connectorId),
      firstJob: first.job.progress,
      status: [first.job.status, second.job.status],
    };
    console.log(JSON.stringify(result));
    results.push(result);
    await database.drop();
    rmSync(source, { recursive: true, force: true });
  }

  try {
    for (const dialect of (options.dialects as string).split(',')) await benchmark(dialect, docs, `throughput-${dialect}`);
    if (scaleDocs > 0) await benchmark('sqlite', scaleDocs, 'scale-sqlite');
  } finally {
    await connection.close();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(
    '\nbench                 docs/s (sync)  docs/s (baseline)  ratio  incremental  peak RSS  max events/run  status, no worker (p50/max ms)  cancel (ms)',
  );
  for (const result of results) {
    console.log(
      `${String(result.bench).padEnd(22)}${String(result.syncDocsPerSecond).padStart(13)}${String(result.baselineDocsPerSecond).padStart(19)}${String(result.ratioToBaseline).padStart(7)}${String(result.incrementalRatio).padStart(13)}${`${String(result.workerPeakRssMb)} MB`.padStart(10)}${String(result.maxHistoryEventsPerRun).padStart(16)}${`${String(result.statusWithoutWorkerP50Ms)}/${String(result.statusWithoutWorkerMaxMs)}`.padStart(32)}${String(result.cancelMs).padStart(13)}`,
    );
  }
}

await main();
