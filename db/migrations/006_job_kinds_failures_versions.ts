import type { Kysely } from 'kysely';

/**
 * Prunes become jobs under the one-active-job rule, so a prune and a sync never overlap; each failed
 * item of a job is kept with its reason; connectors carry a version so a change never overwrites
 * another it did not see.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sync_jobs')
    .addColumn('kind', 'text', (column) => column.notNull().defaultTo('sync'))
    .execute();
  await db.schema
    .alterTable('connectors')
    .addColumn('version', 'integer', (column) => column.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createTable('sync_failures')
    .addColumn('job_id', 'text', (column) => column.notNull())
    .addColumn('seq', 'integer', (column) => column.notNull())
    .addColumn('connector_id', 'text', (column) => column.notNull())
    .addColumn('external_id', 'text', (column) => column.notNull())
    .addColumn('stage', 'text', (column) => column.notNull())
    .addColumn('error', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('sync_failures_pk', ['job_id', 'seq'])
    .execute();
  await db.schema.createIndex('sync_failures_connector').on('sync_failures').column('connector_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sync_failures').execute();
  await db.schema.alterTable('connectors').dropColumn('version').execute();
  await db.schema.alterTable('sync_jobs').dropColumn('kind').execute();
}
