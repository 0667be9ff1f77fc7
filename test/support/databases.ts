import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type Db, type DatabaseTarget } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { withPostgres } from '../../tools/postgres.ts';

export const dialects = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof dialects)[number];

export interface TestDatabase {
  db: Db;
  target: DatabaseTarget;
  /** DATABASE_URL for a child process, undefined for SQLite. */
  url: string | undefined;
  drop(): Promise<void>;
}

/** A fresh, migrated database of the dialect: its own SQLite file, or its own PostgreSQL database. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'tributary-test-'));
    const target: DatabaseTarget = { kind: 'sqlite', filename: path.join(dir, 'tributary.sqlite') };
    const db = createDatabase(target);
    await migrateToLatest(db);
    return {
      db,
      target,
      url: undefined,
      drop: async () => {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = inject('postgresAdminUrl');
  const name = `tributary_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await withPostgres(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const target: DatabaseTarget = { kind: 'postgres', url: url.toString(), poolSize: 5 };
  const db = createDatabase(target);
  await migrateToLatest(db);
  return {
    db,
    target,
    url: url.toString(),
    drop: async () => {
      await db.destroy();
      await withPostgres(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Drops a login role of the test cluster, once no database holds its grants. */
export async function dropRole(role: string): Promise<void> {
  const cluster = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await cluster.connect();
  try {
    await cluster.query(`DROP ROLE IF EXISTS ${role}`);
  } finally {
    await cluster.end();
  }
}
