import type { Kysely } from 'kysely';

/** A job whose source limits our rate records when it may read again, so the status can tell. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_jobs').addColumn('resume_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_jobs').dropColumn('resume_at').execute();
}
