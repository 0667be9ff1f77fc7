import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.ts';
import { publicConnectorId, storedConnectorIdCandidates } from '../../domain/connector-ids.ts';
import type { Database, DocumentRow } from '../schema.ts';
import { chunks } from './chunks.ts';
import { deleteDocumentsRecorded, lockCollectionFeed } from './document-changes.ts';
import { writeDocumentRows, writeUpsertChanges, type DocumentRowValues, type RowsTarget } from './document-rows.ts';
import { pageQuery, type Page } from './pagination.ts';

type Executor = Kysely<Database>;

/** A parsed document ready to store. */
export interface PreparedDocument {
  externalId: string;
  title: string | null;
  url: string | null;
  mimeType: string;
  content: string;
  metadata: Record<string, string>;
  sourceUpdatedAt: string | null;
}

export interface StoredDocument extends PreparedDocument {
  id: string;
  collection: string;
  connectorId: string;
  contentHash: string;
  syncedAt: string;
}

/** Stable per (connector, external id), so every writer derives the same row id. */
export function documentId(connectorId: string, externalId: string): string {
  return `doc_${createHash('sha256').update(`${connectorId}\u0000${externalId}`).digest('hex').slice(0, 32)}`;
}

/** Hash of everything a reader of the collection sees: an unchanged hash means nothing to write. */
export function contentHash(document: PreparedDocument): string {
  return createHash('sha256')
    .update(JSON.stringify([document.title, document.url, document.mimeType, document.content, document.metadata, document.sourceUpdatedAt]))
    .digest('hex');
}

export function toStoredDocument(row: DocumentRow): StoredDocument {
  return {
    id: row.id,
    collection: row.collection,
    connectorId: publicConnectorId(row.workspace_id, row.connector_id),
    externalId: row.external_id,
    title: row.title,
    url: row.url,
    mimeType: row.mime_type ?? 'text/plain',
    content: row.content,
    contentHash: row.content_hash,
    metadata: JSON.parse(row.metadata),
    sourceUpdatedAt: row.source_updated_at,
    syncedAt: row.synced_at,
  };
}

/**
 * Upserts a page by (connector, external id). Documents whose hash is unchanged are only marked as
 * seen by this job; the others are written, each with an upsert in its collection's change feed, so
 * call it in a transaction. Idempotent: replaying a page changes nothing more.
 */
export async function upsertDocuments(db: Executor, target: RowsTarget, documents: PreparedDocument[]): Promise<{ indexed: number; unchanged: number }> {
  // The last occurrence of an external id in a page wins, as it would in two pages.
  const unique = [...new Map(documents.map((document) => [document.externalId, document])).values()];
  const hashes = await storedHashes(
    db,
    target.connectorId,
    unique.map((document) => document.externalId),
  );
  const changed: DocumentRowValues[] = [];
  const unchanged: string[] = [];
  for (const document of unique) {
    const hash = contentHash(document);
    if (hashes.get(document.externalId) === hash) {
      unchanged.push(document.externalId);
      continue;
    }
    changed.push({
      id: documentId(target.connectorId, document.externalId),
      externalId: document.externalId,
      title: document.title,
      url: document.url,
      mimeType: document.mimeType,
      content: document.content,
      contentHash: hash,
      metadata: JSON.stringify(document.metadata),
      sourceUpdatedAt: document.sourceUpdatedAt,
    });
  }
  if (changed.length > 0) await lockCollectionFeed(db, target);
  await writeDocumentRows(db, target, changed);
  await writeUpsertChanges(
    db,
    target,
    changed.map((row) => ({ documentId: row.id, externalId: row.externalId, contentHash: row.contentHash })),
  );
  await markDocumentsSeen(db, target.connectorId, target.jobId, unchanged);
  return { indexed: changed.length, unchanged: unchanged.length };
}

/**
 * The stored hashes of these external ids. A connector without documents (its first sync) is not
 * asked. On PostgreSQL a table filled by one sync has no statistics yet, and the planner would scan
 * all the connector's rows for each page; the unique index answers in a fraction of a millisecond.
 */
async function storedHashes(db: Executor, connectorId: string, externalIds: string[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const any = await db.selectFrom('documents').select('id').where('connector_id', '=', connectorId).limit(1).executeTakeFirst();
  if (!any) return hashes;
  const postgres = isPostgres(db as Kysely<unknown>);
  if (postgres) await sql`set local enable_seqscan = off`.execute(db);
  for (const batch of chunks(externalIds, 500)) {
    const rows = await db
      .selectFrom('documents')
      .select(['external_id', 'content_hash'])
      .where('connector_id', '=', connectorId)
      .where('external_id', 'in', batch)
      .execute();
    for (const row of rows) hashes.set(row.external_id, row.content_hash);
  }
  if (postgres) await sql`set local enable_seqscan to default`.execute(db);
  return hashes;
}

/** After a full sync: what this job did not see is gone from the source. */
export async function deleteDocumentsNotSeenBy(db: Executor, connectorId: string, jobId: string, now: string): Promise<number> {
  return deleteDocumentsRecorded(db, connectorId, (eb) => eb.or([eb('sync_job_id', '!=', jobId), eb('sync_job_id', 'is', null)]), { jobId, now });
}

/** Removes the connector's documents of these external ids, as a source's changes feed reports them gone; returns how many there were. */
export async function deleteDocumentsByExternalId(
  db: Executor,
  connectorId: string,
  externalIds: string[],
  change: { jobId: string; now: string },
): Promise<number> {
  let deleted = 0;
  for (const batch of chunks(externalIds, 500)) {
    deleted += await deleteDocumentsRecorded(db, connectorId, (eb) => eb('external_id', 'in', batch), change);
  }
  return deleted;
}

/** Marks the listed external ids as seen by a prune; used before deleteDocumentsNotSeenBy. */
export async function markDocumentsSeen(db: Executor, connectorId: string, jobId: string, externalIds: string[]): Promise<void> {
  for (const batch of chunks(externalIds, 500)) {
    await db.updateTable('documents').set({ sync_job_id: jobId }).where('connector_id', '=', connectorId).where('external_id', 'in', batch).execute();
  }
}

export async function deleteConnectorDocuments(db: Executor, connectorId: string, now: string): Promise<number> {
  return deleteDocumentsRecorded(db, connectorId, (eb) => eb.lit(true), { jobId: null, now });
}

/** How many documents each connector holds, in one grouped query; a connector with none is absent. */
export async function countDocumentsByConnector(db: Executor, connectorIds: string[]): Promise<Map<string, number>> {
  if (connectorIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('documents')
    .select((eb) => ['connector_id', eb.fn.countAll().as('count')])
    .where('connector_id', 'in', connectorIds)
    .groupBy('connector_id')
    .execute();
  return new Map(rows.map((row) => [row.connector_id, Number(row.count)]));
}

export async function findWorkspaceDocument(db: Executor, workspaceId: string, id: string): Promise<StoredDocument | undefined> {
  const row = await db.selectFrom('documents').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row && toStoredDocument(row);
}

/** Lists a collection, or searches it: PostgreSQL full-text search, SQLite FTS5. */
export async function listCollectionDocuments(
  db: Executor,
  options: { workspaceId: string; collection: string; connectorId?: string | undefined; q?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<Page<StoredDocument>> {
  let query = db
    .selectFrom('documents')
    .selectAll('documents')
    .where('documents.workspace_id', '=', options.workspaceId)
    .where('documents.collection', '=', options.collection);
  if (options.connectorId) query = query.where('documents.connector_id', 'in', storedConnectorIdCandidates(options.workspaceId, options.connectorId));
  if (options.q) {
    const q = options.q;
    query = isPostgres(db as Kysely<unknown>)
      ? query.where(sql<boolean>`tributary_search_vector(documents.title, documents.content) @@ plainto_tsquery('simple', ${q})`)
      : query.where(sql<boolean>`documents.rowid IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ${ftsQuery(q)})`);
  }
  return pageQuery(query as never, options, toStoredDocument as never, 'id') as Promise<Page<StoredDocument>>;
}

/** Words of a user's query as FTS5 terms, each quoted so punctuation cannot form FTS syntax. */
function ftsQuery(q: string): string {
  const terms = q.match(/[\p{L}\p{N}_]+/gu) ?? [];
  return terms.length ? terms.map((term) => `"${term}"`).join(' AND ') : '""';
}
