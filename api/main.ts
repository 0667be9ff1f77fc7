import { serve } from '@hono/node-server';
import { loadConfigOrExit } from '../config/env.ts';
import { apiLimitsOf } from '../config/limits.ts';
import { createLogger } from '../config/logger.ts';
import { adminKeyFile, embeddedAdminKey, keptKeyHint, resolveSecretKey } from '../config/local-secrets.ts';
import { createSecretCipher } from '../secrets/cipher.ts';
import { AddressPolicy } from '../net/address-policy.ts';
import { createGuardedFetch } from '../net/guarded-fetch.ts';
import { createDatabase, databaseTarget } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { connectClient, connectOrExit } from '../temporal/connection.ts';
import { createApp } from './app.ts';
import { bootstrapAdminKey } from '../application/bootstrap-admin-key.ts';

const config = loadConfigOrExit();
const logger = createLogger(config, 'api');
// Under `npm start` an IPC channel links this process to the supervisor and closes however the
// supervisor ends, kill -9 included, so the port is not held by an orphan. Until the server is up,
// there is nothing to stop gracefully.
const exitEarly = () => process.exit(1);
process.once('disconnect', exitEarly);
const db = createDatabase(databaseTarget(config), { logger });
await migrateToLatest(db);
const keptAdminKey = await bootstrapAdminKey(db, config.TRIBUTARY_ADMIN_KEY, new Date(), () => embeddedAdminKey(config.dataDir));
if (keptAdminKey) {
  // Never the key itself: output ends up in logs; the owner-only file in the data dir holds it.
  process.stdout.write(`\nAdmin API key: ${keptKeyHint(keptAdminKey, adminKeyFile(config.dataDir))}\n\n`);
}
const temporal = await connectOrExit(config, connectClient);
const app = createApp({
  db,
  temporal,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  logger,
  now: () => new Date(),
  workflowWaitMs: 30_000,
  cipher: createSecretCipher(resolveSecretKey(config), config.TRIBUTARY_PREVIOUS_SECRET_KEYS),
  directoryRoots: config.TRIBUTARY_DIRECTORY_ROOTS,
  publicUrl: config.publicUrl,
  oauthClients: config.oauthClients,
  fetch: createGuardedFetch(new AddressPolicy(config.TRIBUTARY_ALLOWED_HOSTS)),
  limits: apiLimitsOf(config),
  metricsToken: config.TRIBUTARY_METRICS_TOKEN,
  temporalUiUrl: config.temporalUiUrl,
});

const server = serve({ fetch: app.fetch, port: config.PORT, hostname: '0.0.0.0' }, (info) => {
  logger.info({ port: info.port }, 'api listening');
});
server.once('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error;
  process.stderr.write(`Port ${config.PORT} (API) is already in use; stop the other process or set PORT\n`);
  process.exit(1);
});

let stopping = false;
async function stop(reason: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'api stopping');
  server.close();
  await temporal.connection.close();
  await db.destroy();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
process.off('disconnect', exitEarly);
process.once('disconnect', () => void stop('supervisor gone'));
