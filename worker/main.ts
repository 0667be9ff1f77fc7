import { Runtime } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { loadConfigOrExit } from '../config/env.ts';
import { createDatabase, databaseTarget } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { createLogger, temporalLogger } from '../config/logger.ts';
import { connectWorkerConnection } from '../temporal/connection.ts';
import { resolveSecretKey } from '../config/local-secrets.ts';
import { buildActivityDependencies } from './activity-dependencies.ts';
import { createWorker } from './create-worker.ts';

const config = loadConfigOrExit();
const logger = createLogger(config, 'worker');
Runtime.install({ logger: temporalLogger(logger) });

const db = createDatabase(databaseTarget(config));
await migrateToLatest(db);
const connection = await connectWorkerConnection(config);
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const worker = await createWorker({
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

logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE }, 'worker started');
// The SDK's runtime shuts the worker down on SIGINT and SIGTERM, letting running activities finish.
await worker.run();
await connection.close();
await db.destroy();
logger.info('worker stopped');
