import type { Kysely } from 'kysely';

/** Nothing ever wrote `last_used_at`; a column that is always null would only suggest usage tracking we do not do. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // SQLite has DROP COLUMN since 3.35; node:sqlite bundles a newer one.
  await db.schema.alterTable('api_keys').dropColumn('last_used_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('last_used_at', 'text').execute();
}
