import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_jobs')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('workspace_id', 'text', (column) => column.notNull())
    .addColumn('connector_id', 'text', (column) => column.notNull())
    .addColumn('mode', 'text', (column) => column.notNull())
    .addColumn('trigger', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('phase', 'text', (column) => column.notNull())
    .addColumn('collected', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('parsed', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('indexed', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('deleted', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('bytes', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('total', 'bigint')
    .addColumn('error', 'text')
    .addColumn('checkpoint', 'text')
    .addColumn('page', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('workflow_id', 'text')
    .addColumn('since', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('started_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  // At most one active sync per connector, whoever starts it: the database refuses a second.
  await db.schema
    .createIndex('sync_jobs_one_active')
    .on('sync_jobs')
    .column('connector_id')
    .unique()
    .where(sql.ref('status'), 'in', ['queued', 'running', 'canceling'])
    .execute();
  await db.schema.createIndex('sync_jobs_connector_created').on('sync_jobs').columns(['connector_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('uploaded_files')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('connector_id', 'text', (column) => column.notNull())
    .addColumn('path', 'text', (column) => column.notNull())
    .addColumn('mime_type', 'text', (column) => column.notNull())
    .addColumn('size', 'bigint', (column) => column.notNull())
    .addColumn('content', isPostgres(db) ? 'bytea' : 'blob', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addUniqueConstraint('uploaded_files_connector_path', ['connector_id', 'path'])
    .execute();

  // A crawl's frontier lives here, not in workflow history: checkpoints stay small.
  await db.schema
    .createTable('crawl_frontier')
    .addColumn('job_id', 'text', (column) => column.notNull())
    .addColumn('url', 'text', (column) => column.notNull())
    .addColumn('depth', 'integer', (column) => column.notNull())
    .addColumn('seq', 'integer', (column) => column.notNull())
    .addColumn('visited', 'integer', (column) => column.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('crawl_frontier_pk', ['job_id', 'url'])
    .execute();
  await db.schema.createIndex('crawl_frontier_next').on('crawl_frontier').columns(['job_id', 'visited', 'seq']).execute();

  await db.schema.createIndex('documents_connector_job').on('documents').columns(['connector_id', 'sync_job_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('crawl_frontier').execute();
  await db.schema.dropTable('uploaded_files').execute();
  await db.schema.dropTable('sync_jobs').execute();
}
