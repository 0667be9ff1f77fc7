import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Client } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import { loadConfigOrExit } from '../config/env.ts';
import { resolveSecretKey } from '../config/local-secrets.ts';
import { createLogger, temporalLogger } from '../config/logger.ts';
import { createDatabase, databaseTarget } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { connectWorkerConnection } from '../temporal/connection.ts';
import { buildActivityDependencies } from './activity-dependencies.ts';
import { bundleWorkflowsInChildProcess, createWorker } from './create-worker.ts';

const config = loadConfigOrExit();
const logger = createLogger(config, 'worker');
Runtime.install({ logger: temporalLogger(logger) });

const db = createDatabase(databaseTarget(config));
await migrateToLatest(db);
const connection = await connectWorkerConnection(config);
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const workflowBundle = await bundleWorkflowsInChildProcess(tmpdir());
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
  }),
});

// The worker has read the bundle; the file is not needed any more.
if ('codePath' in workflowBundle) rmSync(workflowBundle.codePath, { force: true });
logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE }, 'worker started');
// The SDK's runtime shuts the worker down on SIGINT and SIGTERM, letting running activities finish.
await worker.run();
await connection.close();
await db.destroy();
logger.info('worker stopped');
