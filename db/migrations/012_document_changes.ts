import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.ts';

/**
 * The change feed of each collection: one row per document write or delete, numbered by a sequence
 * that only grows (an identity on PostgreSQL, AUTOINCREMENT on SQLite, so a number is never reused),
 * and the per-collection horizon below which compaction has removed changes. Documents stored
 * before this migration enter the feed as upserts, so reading a feed from its start gives the
 * whole collection.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('document_changes')
    .addColumn('seq', isPostgres(db) ? 'bigint' : 'integer', (column) =>
      isPostgres(db) ? column.generatedAlwaysAsIdentity().primaryKey() : column.primaryKey().autoIncrement(),
    )
    .addColumn('workspace_id', 'text', (column) => column.notNull())
    .addColumn('collection', 'text', (column) => column.notNull())
    .addColumn('connector_id', 'text', (column) => column.notNull())
    .addColumn('document_id', 'text', (column) => column.notNull())
    .addColumn('external_id', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('content_hash', 'text')
    .addColumn('changed_at', 'text', (column) => column.notNull())
    .addColumn('sync_job_id', 'text')
    .execute();
  await db.schema.createIndex('document_changes_feed').on('document_changes').columns(['workspace_id', 'collection', 'seq']).execute();
  // Compaction looks for a newer change of the same document.
  await db.schema.createIndex('document_changes_document').on('document_changes').columns(['workspace_id', 'collection', 'document_id', 'seq']).execute();
  await db.schema
    .createTable('document_change_horizons')
    .addColumn('workspace_id', 'text', (column) => column.notNull())
    .addColumn('collection', 'text', (column) => column.notNull())
    .addColumn('compacted_through', isPostgres(db) ? 'bigint' : 'integer', (column) => column.notNull())
    .addPrimaryKeyConstraint('document_change_horizons_pk', ['workspace_id', 'collection'])
    .execute();
  await sql`INSERT INTO document_changes (workspace_id, collection, connector_id, document_id, external_id, kind, content_hash, changed_at, sync_job_id)
    SELECT workspace_id, collection, connector_id, id, external_id, 'upsert', content_hash, synced_at, sync_job_id
    FROM documents ORDER BY synced_at, id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('document_change_horizons').execute();
  await db.schema.dropTable('document_changes').execute();
}
