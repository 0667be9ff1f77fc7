import { chmodSync, closeSync, openSync } from 'node:fs';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';

/** How many recently used statements a connection keeps prepared. */
const PREPARED_STATEMENTS = 64;
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Presents Node's built-in `node:sqlite` as the database Kysely's SqliteDialect drives.
 * The built-in module needs no native addon, so the same install works on any Node 24 machine.
 */
export function openSqlite(filename: string): SqliteDatabase {
  if (filename !== ':memory:') restrictToOwner(filename);
  // The API and the worker open and write the same file from two processes: wait for each other's
  // locks, switching to WAL included, rather than failing with "database is locked".
  const database = new DatabaseSync(filename, { timeout: 10_000 });
  database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA foreign_keys = ON');
  database.exec('PRAGMA synchronous = NORMAL');
  const prepared = new Map<string, StatementSync>();
  // Kysely prepares every query anew; a page's large multi-row upsert costs more to compile than
  // to run, so recent statements are kept. `iterate` takes a fresh one, as it outlives the call.
  const cached = (sql: string) => {
    let statement = prepared.get(sql);
    if (statement) prepared.delete(sql);
    else statement = database.prepare(sql);
    prepared.set(sql, statement);
    if (prepared.size > PREPARED_STATEMENTS) prepared.delete(prepared.keys().next().value as string);
    return statement;
  };
  return {
    close: () => {
      prepared.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const statement = cached(sql);
      const values = (parameters: ReadonlyArray<unknown>) => parameters.map(toSqliteValue);
      return {
        reader: statement.columns().length > 0,
        all: (parameters) => statement.all(...values(parameters)),
        run: (parameters) => statement.run(...values(parameters)),
        iterate: (parameters) => database.prepare(sql).iterate(...values(parameters)),
      };
    },
  };
}

/**
 * The file holds sealed credentials and key hashes: owner-only. SQLite gives its -wal and -shm files
 * the mode of the database file; those of an older install are narrowed too.
 */
function restrictToOwner(filename: string): void {
  closeSync(openSync(filename, 'a', 0o600));
  for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch (error) {
      // Another process closing the database removes its -wal and -shm files at any moment.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function toSqliteValue(value: unknown): SQLInputValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return value as SQLInputValue;
}
