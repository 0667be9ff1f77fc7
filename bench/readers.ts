import { parseArgs } from 'node:util';
import { createConnector, maxHistoryEvents, runSync } from './readers/api.ts';
import { readOnlyBaseline } from './readers/baseline.ts';
import { selectBenches } from './readers/catalog.ts';
import { printTable, type BenchResult, type Column } from './table.ts';
import type { ReaderBench, SeededSource } from './readers/reader-source.ts';
import { startTemporal } from './bench-system.ts';
import { openStack } from './readers/system.ts';

const { values: options } = parseArgs({
  options: {
    only: { type: 'string' },
    scale: { type: 'string', default: '1' },
  },
});
const scale = Number(options.scale);
if (!(scale > 0)) throw new Error(`--scale must be a positive number, not ${options.scale}`);

type Result = BenchResult;

/** Seeds one reader's source, reads it without Temporal, then syncs it in full and incrementally through the API and a worker process. */
async function benchmark(temporal: Awaited<ReturnType<typeof startTemporal>>, bench: ReaderBench): Promise<Result> {
  const items = Math.max(1, Math.round(bench.items * scale));
  // Each stage is named so a failure says where it happened.
  let stage = 'seed';
  let seeded: SeededSource | undefined;
  const stack = await openStack(temporal);
  try {
    const seedStarted = performance.now();
    seeded = await bench.seed(items);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    stage = 'baseline';
    const baseline = await readOnlyBaseline(stack.db, seeded);
    stage = 'worker start';
    const worker = await stack.startWorker();
    stage = 'connector';
    const connectorId = await createConnector(stack, bench.name, seeded);
    stage = 'full sync';
    const full = await runSync(stack, connectorId, 'full');
    stage = 'incremental sync';
    const incremental = await runSync(stack, connectorId, 'incremental');
    stage = 'history';
    const collected = full.job.progress.collected ?? 0;
    const syncRate = collected / full.seconds;
    const baselineRate = baseline.documents / baseline.seconds;
    return {
      bench: bench.name,
      items,
      seedSeconds: round(seedSeconds, 1),
      collected,
      baselineDocuments: baseline.documents,
      baselinePages: baseline.pages,
      syncDocsPerSecond: Math.round(syncRate),
      syncSeconds: round(full.seconds, 1),
      baselineDocsPerSecond: Math.round(baselineRate),
      baselineSeconds: round(baseline.seconds, 1),
      ratioToBaseline: round(syncRate / baselineRate, 2),
      incrementalSeconds: round(incremental.seconds, 1),
      incrementalRatio: round(incremental.seconds / full.seconds, 3),
      workerStartRssMb: worker.startRssMb,
      workerPeakRssMb: worker.peakRssMb(),
      maxHistoryEventsPerRun: await maxHistoryEvents(temporal.client, connectorId),
      fullProgress: full.job.progress,
      incrementalProgress: incremental.job.progress,
      status: [full.job.status, incremental.job.status],
      ...(full.job.error || incremental.job.error ? { errors: [full.job.error, incremental.job.error] } : {}),
    };
  } catch (error) {
    return { bench: bench.name, items, failedAt: stage, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await stack.close();
    await seeded?.close();
  }
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** A figure as the table shows it; a failed reader has none. */
const figure = (value: unknown, unit = '') => (typeof value === 'number' ? `${value}${unit}` : '-');

const columns: Column[] = [
  ['reader', (result) => String(result.bench)],
  ['docs', (result) => figure(result.collected)],
  ['docs/s (sync)', (result) => figure(result.syncDocsPerSecond)],
  ['docs/s (baseline)', (result) => figure(result.baselineDocsPerSecond)],
  ['ratio', (result) => figure(result.ratioToBaseline)],
  ['incremental', (result) => figure(result.incrementalRatio)],
  ['peak RSS', (result) => figure(result.workerPeakRssMb, ' MB')],
  ['events/run', (result) => figure(result.maxHistoryEventsPerRun)],
  ['status', (result) => (Array.isArray(result.status) ? result.status.join('/') : `failed: ${String(result.failedAt)}`)],
];

async function main() {
  const benches = selectBenches(options.only);
  const temporal = await startTemporal();
  const results: Result[] = [];
  try {
    for (const bench of benches) {
      console.log(`[${bench.name}] ${Math.max(1, Math.round(bench.items * scale))} items`);
      const result = await benchmark(temporal, bench);
      console.log(JSON.stringify(result));
      results.push(result);
    }
  } finally {
    await temporal.stop();
  }
  printTable(columns, results);
  if (results.some((result) => result.failedAt)) process.exitCode = 1;
}

await main();
