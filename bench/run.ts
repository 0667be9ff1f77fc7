import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { createApp } from '../api/app.ts';
import { baselineSync } from './baseline.ts';
import { adminKeyOf, benchApp, freshDatabase, startTemporal } from './bench-system.ts';
import { percentile, writeDocuments, type CorpusKind } from './fixtures.ts';
import { maxHistoryEvents, runSync } from './readers/api.ts';
import { measureSinkLimit } from './sink-limit.ts';
import { printTable, type BenchResult, type Column } from './table.ts';
import { startMeasuredWorker } from './worker-process.ts';

const { values: options } = parseArgs({
  options: {
    docs: { type: 'string', default: '100000' },
    scale: { type: 'string', default: '1000000' },
    dialects: { type: 'string', default: 'sqlite,postgres' },
    corpus: { type: 'string', default: 'simple,zipf' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const docs = Number(options.docs);
const scaleDocs = Number(options.scale);
// As strong as TRIBUTARY_SECRET_KEY must be: 32 random bytes, base64.
const secretKey = randomBytes(32).toString('base64');
const scratch = mkdtempSync(path.join(tmpdir(), 'tributary-bench-'));

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

const columns: Column[] = [
  ['bench', (result) => String(result.bench)],
  ['sink limit', (result) => String(result.sinkDocsPerSecond)],
  ['docs/s (sync)', (result) => String(result.syncDocsPerSecond)],
  ['x sink', (result) => String(result.ratioToSink)],
  ['docs/s (baseline)', (result) => String(result.baselineDocsPerSecond)],
  ['x baseline', (result) => String(result.ratioToBaseline)],
  ['incremental', (result) => String(result.incrementalRatio)],
  ['peak RSS', (result) => `${String(result.workerPeakRssMb)} MB`],
  ['max events/run', (result) => String(result.maxHistoryEventsPerRun)],
  ['status, no worker p50/max ms', (result) => `${String(result.statusWithoutWorkerP50Ms)}/${String(result.statusWithoutWorkerMaxMs)}`],
  ['cancel ms', (result) => String(result.cancelMs)],
];

async function main() {
  const temporal = await startTemporal();
  const client = temporal.client;
  const results: BenchResult[] = [];

  async function benchmark(dialect: string, count: number, label: string, kind: CorpusKind) {
    const source = path.join(scratch, `${label}-docs`);
    const generated = performance.now();
    const { vocabulary } = writeDocuments(source, count, { kind });
    console.log(`[${label}] wrote ${count} documents (${kind} corpus, ${vocabulary} words) in ${((performance.now() - generated) / 1000).toFixed(1)} s`);
    const database = await freshDatabase(dialect, { scratch, postgresUrl: options.postgres as string });
    // The sink alone, on the same schema and corpus, before anything else writes.
    const sink = await measureSinkLimit(database.db, { documents: Math.min(count, 100_000), pageSize: 1000, kind });
    const taskQueue = `bench-${randomUUID()}`;
    const app = benchApp({ db: database.db, temporal: client, taskQueue, secretKey, directoryRoots: [scratch], workflowWaitMs: 60_000 });
    const key = await adminKeyOf(database.db, 'bench');

    const baselineStarted = performance.now();
    const baseline = await baselineSync(database.db, { connectorId: 'baseline', directory: source, roots: [scratch] });
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    await database.db.deleteFrom('documents').where('connector_id', '=', 'baseline').execute();

    const worker = await startMeasuredWorker({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: temporal.address,
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
    const first = await runSync({ app, key }, connectorId, 'full');
    const second = await runSync({ app, key }, connectorId, 'incremental');
    const cancel = await cancelLatency(app, key, connectorId);
    await worker.stop();
    const orphanStatusMs = await statusLatencyWithoutWorker(app, key, connectorId);
    const result = {
      bench: label,
      dialect,
      corpus: kind,
      vocabulary,
      documents: count,
      sinkDocsPerSecond: sink.docsPerSecond,
      baselineDocsPerSecond: Math.round(baseline.documents / baselineSeconds),
      baselinePageP50Ms: Math.round(percentile(baseline.pageMs, 50)),
      baselinePageP99Ms: Math.round(percentile(baseline.pageMs, 99)),
      syncDocsPerSecond: Math.round(count / first.seconds),
      syncSeconds: Number(first.seconds.toFixed(1)),
      ratioToBaseline: Number((count / first.seconds / (baseline.documents / baselineSeconds)).toFixed(2)),
      ratioToSink: Number((count / first.seconds / sink.docsPerSecond).toFixed(2)),
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
    const corpora = (options.corpus as string).split(',') as CorpusKind[];
    for (const kind of corpora) {
      for (const dialect of (options.dialects as string).split(',')) await benchmark(dialect, docs, `throughput-${dialect}-${kind}`, kind);
    }
    if (scaleDocs > 0) await benchmark('sqlite', scaleDocs, `scale-sqlite-${corpora[0]}`, corpora[0] ?? 'simple');
  } finally {
    await temporal.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  printTable(columns, results);
}

await main();
