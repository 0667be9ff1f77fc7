import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { createApp } from '../api/app.ts';
import { loadConfig } from '../config/env.ts';
import { apiLimitsOf } from '../config/limits.ts';
import { createDatabase, type Db } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { ensureWorkspace, insertApiKey } from '../db/repositories/workspaces.ts';
import { generateApiKey, hashApiKey } from '../domain/api-keys.ts';
import { AddressPolicy } from '../net/address-policy.ts';
import { createGuardedFetch } from '../net/guarded-fetch.ts';
import { createSecretCipher } from '../secrets/cipher.ts';
import { findOrBuildTemporalCli } from '../temporal/cli.ts';
import { startDevServer } from '../temporal/dev-server.ts';
import { freePort } from '../tools/ports.ts';
import { withPostgres } from '../tools/postgres.ts';
import { projectRoot } from '../tools/processes.ts';

/** A Temporal dev server of the benchmark's own, on free loopback ports. */
export async function startTemporal(): Promise<{ client: Client; address: string; stop(): Promise<void> }> {
  const cliPath = await findOrBuildTemporalCli({
    explicitPath: process.env.TEMPORAL_CLI_PATH,
    cacheDir: path.join(projectRoot, '.cache'),
    environment: process.env,
    log: console.log,
  });
  const server = await startDevServer({ cliPath, port: await freePort(), uiPort: await freePort(), namespace: 'default', readyTimeoutMs: 120_000 });
  const connection = await Connection.connect({ address: server.address });
  return {
    client: new Client({ connection }),
    address: server.address,
    async stop() {
      await connection.close();
      await server.stop();
    },
  };
}

export interface BenchDatabase {
  db: Db;
  /** What a worker process needs to open the same database. */
  env: NodeJS.ProcessEnv;
  drop(): Promise<void>;
}

/** A new, migrated database: a SQLite file under `scratch`, or a PostgreSQL database created beside `postgresUrl`'s. */
export async function freshDatabase(dialect: string, options: { scratch: string; postgresUrl: string }): Promise<BenchDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(options.scratch, 'sqlite-'));
    const db = createDatabase({ kind: 'sqlite', filename: path.join(dir, 'tributary.sqlite') });
    await migrateToLatest(db);
    return { db, env: { TRIBUTARY_DATA_DIR: dir }, drop: () => db.destroy() };
  }
  const name = `tributary_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await withPostgres(options.postgresUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(options.postgresUrl);
  url.pathname = `/${name}`;
  const db = createDatabase({ kind: 'postgres', url: url.toString() });
  await migrateToLatest(db);
  return {
    db,
    env: { DATABASE_URL: url.toString(), TRIBUTARY_DATA_DIR: options.scratch },
    drop: async () => {
      await db.destroy();
      await withPostgres(options.postgresUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** The API as its entry point builds it (silent), on the benchmark's database and task queue. */
export function benchApp(input: { db: Db; temporal: Client; taskQueue: string; secretKey: string; directoryRoots: string[]; workflowWaitMs: number }) {
  return createApp({
    db: input.db,
    temporal: input.temporal,
    taskQueue: input.taskQueue,
    logger: pino({ level: 'silent' }),
    now: () => new Date(),
    workflowWaitMs: input.workflowWaitMs,
    cipher: createSecretCipher(input.secretKey),
    directoryRoots: input.directoryRoots,
    publicUrl: 'http://127.0.0.1',
    fetch: createGuardedFetch(new AddressPolicy([])),
    limits: apiLimitsOf(loadConfig({})),
    oauthClients: {},
  });
}

/** A workspace and an admin key of it; returns the key. */
export async function adminKeyOf(db: Db, workspace: string): Promise<string> {
  await ensureWorkspace(db, workspace, workspace, new Date());
  const key = generateApiKey();
  await insertApiKey(db, {
    id: `key_${workspace}`,
    workspace_id: workspace,
    name: workspace,
    role: 'admin',
    key_hash: hashApiKey(key),
    created_at: new Date().toISOString(),
  });
  return key;
}
