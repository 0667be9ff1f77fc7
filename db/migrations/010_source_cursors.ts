import type { Kysely } from 'kysely';

/**
 * A sync job records the connector config it read (as a fingerprint), the source cursor it started
 * from and the one the source handed out for the next incremental sync; the last successful job's
 * are where the next sync starts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_jobs').addColumn('config_fingerprint', 'text').execute();
  await db.schema.alterTable('sync_jobs').addColumn('source_cursor', 'text').execute();
  await db.schema.alterTable('sync_jobs').addColumn('next_source_cursor', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['next_source_cursor', 'source_cursor', 'config_fingerprint']) {
    await db.schema.alterTable('sync_jobs').dropColumn(column).execute();
  }
}
