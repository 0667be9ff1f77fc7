import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, type DatabaseTarget } from '../../db/database.ts';
import { migrationNames } from '../../db/migrate.ts';
import { runEntryPoint } from '../../tools/processes.ts';

const PROCESSES = 4;
const ROUNDS = 5;

/** What the API and the worker do at start on a new database: migrate it, at the same moment. */
async function migrateAtOnce(env: NodeJS.ProcessEnv): Promise<{ codes: (number | null)[]; output: string }> {
  const runs = Array.from({ length: PROCESSES }, () => runEntryPoint('scripts/migrate.ts', { PATH: process.env.PATH, HOME: process.env.HOME, ...env }));
  const codes = await Promise.all(runs.map((run) => run.exited));
  return { codes, output: runs.map((run) => run.output()).join('\n') };
}

async function appliedMigrations(target: DatabaseTarget): Promise<string[]> {
  const db = createDatabase(target);
  try {
    const rows = await db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    return (rows as { name: string }[]).map((row) => row.name).sort();
  } finally {
    await db.destroy();
  }
}

describe('migrations started by several processes at once', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'tributary-migrate-'));
  const databases: string[] = [];
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: inject('postgresAdminUrl') });
    await admin.connect();
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('bring a new SQLite file to the latest schema every time, once', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const dataDir = path.join(root, `round-${round}`);
      const { codes, output } = await migrateAtOnce({ TRIBUTARY_DATA_DIR: dataDir });
      expect(codes, output).toEqual(Array(PROCESSES).fill(0));
      expect(await appliedMigrations({ kind: 'sqlite', filename: path.join(dataDir, 'tributary.sqlite') })).toEqual(migrationNames);
    }
  });

  it('bring a new PostgreSQL database to the latest schema every time, once', async () => {
    const admin = new pg.Client({ connectionString: inject('postgresAdminUrl') });
    await admin.connect();
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        const name = `tributary_migrate_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
        databases.push(name);
        await admin.query(`CREATE DATABASE ${name}`);
        const url = new URL(inject('postgresAdminUrl'));
        url.pathname = `/${name}`;
        const { codes, output } = await migrateAtOnce({ DATABASE_URL: url.toString(), TRIBUTARY_DATA_DIR: path.join(root, 'pg') });
        expect(codes, output).toEqual(Array(PROCESSES).fill(0));
        expect(await appliedMigrations({ kind: 'postgres', url: url.toString() })).toEqual(migrationNames);
      }
    } finally {
      await admin.end();
    }
  });
});
