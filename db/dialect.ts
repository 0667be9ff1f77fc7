import { PostgresAdapter, type Kysely } from 'kysely';

/** Migrations share one body; the few dialect-specific parts ask which dialect they run on. */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
