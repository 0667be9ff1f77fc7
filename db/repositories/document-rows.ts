import { CompiledQuery, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.ts';
import type { Database } from '../schema.ts';
import { chunks } from './chunks.ts';

type Executor = Kysely<Database>;

/** What a page's write has in common: every row of it has the same owner, job and time. */
export interface RowsTarget {
  workspaceId: string;
  collection: string;
  connectorId: string;
  jobId: string;
  now: string;
}

/** One document row to insert or overwrite, its id derived by the caller. */
export interface DocumentRowValues {
  id: string;
  externalId: string;
  title: string | null;
  url: string | null;
  mimeType: string;
  content: string;
  contentHash: string;
  metadata: string;
  sourceUpdatedAt: string | null;
}

/** One upsert entry of a collection's change feed. */
export interface UpsertChange {
  documentId: string;
  externalId: string;
  contentHash: string;
}

const rowColumns = ['id', 'external_id', 'title', 'url', 'mime_type', 'content', 'content_hash', 'metadata', 'source_updated_at'] as const;
const overwritten = ['title', 'url', 'mime_type', 'content', 'content_hash', 'metadata', 'source_updated_at', 'synced_at', 'sync_job_id', 'collection'];
const insertDocuments = `insert into documents (${rowColumns.join(', ')}, workspace_id, collection, connector_id, synced_at, sync_job_id)`;
const onConflict = `on conflict (connector_id, external_id) do update set ${overwritten.map((column) => `${column} = excluded.${column}`).join(', ')}`;
const insertChanges =
  'insert into document_changes (document_id, external_id, content_hash, workspace_id, collection, connector_id, sync_job_id, changed_at, kind)';

// SQLite binds at most 32,766 parameters; a batch this size reuses one cached statement per size.
const SQLITE_ROWS_PER_STATEMENT = 500;

/** `select column1, …, <constants>` over a VALUES list of `rows` rows of `width` parameters; the constants' parameters come first, as they are numbered in order of appearance. */
function sqliteValues(rows: number, width: number, constants: string): string {
  const row = `(${Array.from({ length: width }, () => '?').join(', ')})`;
  const columns = Array.from({ length: width }, (_, index) => `column${index + 1}`).join(', ');
  // `where true` keeps SQLite's parser from reading ON CONFLICT as part of a join.
  return `select ${columns}, ${constants} from (values ${Array.from({ length: rows }, () => row).join(', ')}) where true`;
}

/**
 * Inserts or overwrites a page's document rows. PostgreSQL gets one statement per page whose rows
 * travel as one array per column (`unnest`), so its text and plan never change; SQLite gets
 * multi-row statements of a fixed size, which its connection keeps prepared.
 */
export async function writeDocumentRows(db: Executor, target: RowsTarget, rows: DocumentRowValues[]): Promise<void> {
  if (rows.length === 0) return;
  const constants = [target.workspaceId, target.collection, target.connectorId, target.now, target.jobId];
  if (isPostgres(db as Kysely<unknown>)) {
    const columns = [
      rows.map((row) => row.id),
      rows.map((row) => row.externalId),
      rows.map((row) => row.title),
      rows.map((row) => row.url),
      rows.map((row) => row.mimeType),
      rows.map((row) => row.content),
      rows.map((row) => row.contentHash),
      rows.map((row) => row.metadata),
      rows.map((row) => row.sourceUpdatedAt),
    ];
    const arrays = columns.map((_, index) => `$${index + 1}::text[]`).join(', ');
    const scalars = constants.map((_, index) => `$${columns.length + index + 1}::text`).join(', ');
    await db.executeQuery(CompiledQuery.raw(`${insertDocuments} select *, ${scalars} from unnest(${arrays}) ${onConflict}`, [...columns, ...constants]));
    return;
  }
  for (const batch of chunks(rows, SQLITE_ROWS_PER_STATEMENT)) {
    const parameters: unknown[] = [];
    for (const row of batch) {
      parameters.push(row.id, row.externalId, row.title, row.url, row.mimeType, row.content, row.contentHash, row.metadata, row.sourceUpdatedAt);
    }
    const text = `${insertDocuments} ${sqliteValues(batch.length, rowColumns.length, '?, ?, ?, ?, ?')} ${onConflict}`;
    await db.executeQuery(CompiledQuery.raw(text, [...constants, ...parameters]));
  }
}

/** Appends an upsert per written document to the collection's feed, in the same shape of statement as the rows. */
export async function writeUpsertChanges(db: Executor, target: RowsTarget, changes: UpsertChange[]): Promise<void> {
  if (changes.length === 0) return;
  const constants = [target.workspaceId, target.collection, target.connectorId, target.jobId, target.now];
  if (isPostgres(db as Kysely<unknown>)) {
    const columns = [changes.map((change) => change.documentId), changes.map((change) => change.externalId), changes.map((change) => change.contentHash)];
    // Numbered in the page's order: the feed lists a page's documents as the source gave them.
    await db.executeQuery(
      CompiledQuery.raw(
        `${insertChanges} select document_id, external_id, content_hash, $4::text, $5::text, $6::text, $7::text, $8::text, 'upsert' from unnest($1::text[], $2::text[], $3::text[]) with ordinality as change(document_id, external_id, content_hash, position) order by position`,
        [...columns, ...constants],
      ),
    );
    return;
  }
  for (const batch of chunks(changes, SQLITE_ROWS_PER_STATEMENT)) {
    const parameters: unknown[] = [];
    for (const change of batch) parameters.push(change.documentId, change.externalId, change.contentHash);
    await db.executeQuery(CompiledQuery.raw(`${insertChanges} ${sqliteValues(batch.length, 3, "?, ?, ?, ?, ?, 'upsert'")}`, [...constants, ...parameters]));
  }
}
