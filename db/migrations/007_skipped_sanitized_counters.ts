import type { Kysely } from 'kysely';

/**
 * A job counts the items it skips on purpose (over the size limit, binary content) apart from those
 * that failed, and the documents it had to clean (NUL characters, broken UTF-16) before storing them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sync_jobs')
    .addColumn('skipped', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('sync_jobs')
    .addColumn('sanitized', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_jobs').dropColumn('sanitized').execute();
  await db.schema.alterTable('sync_jobs').dropColumn('skipped').execute();
}
