import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Client } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import { loadConfigOrExit } from '../config/env.ts';
import { resolveSecretKey } from '../config/local-secrets.ts';
import { syncLimitsOf } from '../config/limits.ts';
import { createLogger, temporalLogger } from '../config/logger.ts';
import { createDatabase, databaseTarget } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { connectOrExit, connectWorkerConnection } from '../temporal/connection.ts';
import { buildActivityDependencies } from './activity-dependencies.ts';
import { bundleWorkflowsInChildProcess, createWorker, SHUTDOWN_GRACE_MS } from './create-worker.ts';
import { createWorkerMetricsRegistry, serveWorkerMetrics, temporalMetricsTelemetry } from './metrics.ts';

/** Once the supervisor is gone, the most the worker waits for its activities before it exits. */
const SUPERVISOR_GONE_EXIT_MS = SHUTDOWN_GRACE_MS + 5_000;

const config = loadConfigOrExit();
const logger = createLogger(config, 'worker');
// Under `npm start` an IPC channel links this process to the supervisor and closes however the
// supervisor ends, kill -9 included, so no orphan worker is left. Until it polls there is nothing to drain.
const exitEarly = () => process.exit(1);
process.once('disconnect', exitEarly);
Runtime.install({ logger: temporalLogger(logger), ...temporalMetricsTelemetry(config.TRIBUTARY_TEMPORAL_METRICS_ADDRESS) });

const db = createDatabase(databaseTarget(config), { logger });
await migrateToLatest(db);
const connection = await connectOrExit(config, connectWorkerConnection);
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const workflowBundle = await bundleWorkflowsInChildProcess(tmpdir());
const metricsRegistry = createWorkerMetricsRegistry();
// Off without a token, as the API's /metrics is: the figures are not for every client.
const metricsServer =
  config.TRIBUTARY_METRICS_TOKEN && config.TRIBUTARY_WORKER_METRICS_PORT > 0
    ? await serveWorkerMetrics({ registry: metricsRegistry, token: config.TRIBUTARY_METRICS_TOKEN, port: config.TRIBUTARY_WORKER_METRICS_PORT })
    : undefined;
const worker = await createWorker({
  workflowBundle,
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  dependencies: buildActivityDependencies({
    db,
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    secretKey: resolveSecretKey(config),
    previousSecretKeys: config.TRIBUTARY_PREVIOUS_SECRET_KEYS,
    allowedHosts: config.TRIBUTARY_ALLOWED_HOSTS,
    directoryRoots: config.TRIBUTARY_DIRECTORY_ROOTS,
    limits: syncLimitsOf(config),
    metricsRegistry,
  }),
});

// The worker has read the bundle; the file is not needed any more.
if ('codePath' in workflowBundle) rmSync(workflowBundle.codePath, { force: true });
// The SDK's runtime shuts the worker down on SIGINT and SIGTERM, letting running activities finish.
const running = worker.run();
const stopWithSupervisor = () => {
  logger.warn('supervisor gone; worker stopping');
  if (worker.getState() === 'RUNNING') worker.shutdown();
  // Running activities get the shutdown grace time; past it, nothing is worth staying for.
  setTimeout(() => process.exit(1), SUPERVISOR_GONE_EXIT_MS).unref();
};
process.off('disconnect', exitEarly);
process.once('disconnect', stopWithSupervisor);
// run() has started the pollers by the time it returns; `npm start` reports ready on this message.
logger.info(
  {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    namespace: config.TEMPORAL_NAMESPACE,
    metricsPort: metricsServer?.port ?? null,
    temporalMetrics: config.TRIBUTARY_TEMPORAL_METRICS_ADDRESS ?? null,
  },
  'worker started',
);
process.send?.('ready');
await running;
// The listener holds the IPC channel open, which would keep this process alive.
process.off('disconnect', stopWithSupervisor);
await metricsServer?.close();
await connection.close();
await db.destroy();
logger.info('worker stopped');
