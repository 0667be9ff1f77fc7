import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite-adapter.ts';
import { MultiProcessSqliteDialect } from './sqlite-dialect.ts';

export type Db = Kysely<Database>;

export type DatabaseTarget =
  { readonly kind: 'postgres'; readonly url: string; readonly poolSize?: number } | { readonly kind: 'sqlite'; readonly filename: string };

/** The database named by configuration: PostgreSQL when DATABASE_URL is set, else SQLite in the data dir. */
export function databaseTarget(config: { DATABASE_URL?: string | undefined; dataDir: string }): DatabaseTarget {
  return config.DATABASE_URL ? { kind: 'postgres', url: config.DATABASE_URL } : { kind: 'sqlite', filename: path.join(config.dataDir, 'tributary.sqlite') };
}

/** The part of a logger the pool reports lost connections to; pino's fits. */
export interface PoolLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export function createDatabase(target: DatabaseTarget, options: { logger?: PoolLogger } = {}): Db {
  if (target.kind === 'postgres') {
    // An unreachable host answers 503 after the timeout rather than hanging requests and /readyz.
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
    surviveLostConnections(pool, options.logger);
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  // Owner-only, as the data dir also keeps the generated keys.
  if (target.filename !== ':memory:') mkdirSync(path.dirname(target.filename), { recursive: true, mode: 0o700 });
  return new Kysely<Database>({ dialect: new MultiProcessSqliteDialect({ database: openSqlite(target.filename) }) });
}

/**
 * A connection PostgreSQL drops (restart, failover, pg_terminate_backend) emits 'error', and an emitter
 * with no listener throws, ending the process. The pool replaces the connection on the next query and
 * the query that was running fails by itself (the API answers 503), so a warning is all it takes.
 */
function surviveLostConnections(pool: pg.Pool, logger: PoolLogger | undefined): void {
  // The pool stops listening to a connection while it is lent out, so each connection has its own
  // listener; the first error is the cause, what follows is the socket closing.
  pool.on('connect', (client) => {
    let reported = false;
    client.on('error', (error) => {
      if (reported) return;
      reported = true;
      logger?.warn({ err: error }, 'PostgreSQL connection lost; the pool opens a new one on the next query');
    });
  });
  // The pool re-emits an idle connection's error after discarding it; the listener above reported it.
  pool.on('error', () => undefined);
}

/** True when an error is a unique-constraint violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === '23505' || (typeof message === 'string' && message.includes('UNIQUE constraint failed'));
}
