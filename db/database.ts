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

export function createDatabase(target: DatabaseTarget): Db {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  if (target.filename !== ':memory:') mkdirSync(path.dirname(target.filename), { recursive: true });
  return new Kysely<Database>({ dialect: new MultiProcessSqliteDialect({ database: openSqlite(target.filename) }) });
}

/** True when an error is a unique-constraint violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === '23505' || (typeof message === 'string' && message.includes('UNIQUE constraint failed'));
}
