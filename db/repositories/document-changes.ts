import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { isPostgres } from '../dialect.ts';
import type { Database } from '../schema.ts';

type Executor = Kysely<Database>;

/** A collection of a workspace: the unit a change feed is kept for. */
export interface FeedScope {
  workspaceId: string;
  collection: string;
}

/** One entry of a collection's change feed. */
export interface DocumentChange {
  seq: number;
  kind: 'upsert' | 'delete';
  documentId: string;
  externalId: string;
  /** The hash of the content written; null for a delete. */
  contentHash: string | null;
  changedAt: string;
}

/** Where a consumer is: the last change it read, and the compaction horizon its reading is whole against. */
interface FeedPosition {
  collection: string;
  seq: number;
  horizon: number;
}

export class InvalidChangeCursorError extends Error {
  override name = 'InvalidChangeCursorError';
}

/** Cursors are opaque to clients: collection, last change read and horizon, base64url-encoded, so they survive restarts. */
function encodeChangeCursor(position: FeedPosition): string {
  return Buffer.from(JSON.stringify([position.collection, position.seq, position.horizon])).toString('base64url');
}

export function decodeChangeCursor(cursor: string): FeedPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 3) {
      const [collection, seq, horizon] = value as unknown[];
      if (typeof collection === 'string' && [seq, horizon].every((part) => Number.isSafeInteger(part) && (part as number) >= 0)) {
        return { collection, seq: seq as number, horizon: horizon as number };
      }
    }
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidChangeCursorError('cursor is not one this API returned');
}

/** Runs `work` in the caller's transaction, or in a new one when handed the database itself. */
function withinTransaction<T>(db: Executor, work: (trx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/**
 * Holds the collection's feed until the transaction ends. On PostgreSQL a sequence number is taken
 * at insert but becomes visible at commit, so two writers of one collection could commit out of
 * order and a reader could pass a number that commits later; holding this lock from before the
 * first document write until commit makes numbers of one collection commit in order. SQLite
 * serialises write transactions already. Take it before any other write of the transaction, so
 * writers of a collection never wait on each other in a cycle.
 */
export async function lockCollectionFeed(trx: Executor, scope: FeedScope): Promise<void> {
  if (!isPostgres(trx as Kysely<unknown>)) return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${`changes:${JSON.stringify([scope.workspaceId, scope.collection])}`}, 0))`.execute(trx);
}

type DocumentFilter = (eb: ExpressionBuilder<Database, 'documents'>) => Expression<SqlBool>;

/**
 * Deletes the connector's documents that `filter` selects and appends a delete per document to its
 * collection's feed, in one transaction (the caller's, or its own). Returns how many it deleted.
 */
export async function deleteDocumentsRecorded(
  db: Executor,
  connectorId: string,
  filter: DocumentFilter,
  change: { jobId: string | null; now: string },
): Promise<number> {
  return withinTransaction(db, async (trx) => {
    // A connector's documents all lie in its collection, which never changes.
    const scope = await trx.selectFrom('documents').select(['workspace_id', 'collection']).where('connector_id', '=', connectorId).limit(1).executeTakeFirst();
    if (!scope) return 0;
    await lockCollectionFeed(trx, { workspaceId: scope.workspace_id, collection: scope.collection });
    const selected = (eb: ExpressionBuilder<Database, 'documents'>) => eb.and([eb('connector_id', '=', connectorId), filter(eb)]);
    // Under the collection's lock no other writer touches these rows between the two statements.
    await trx
      .insertInto('document_changes')
      .columns(['workspace_id', 'collection', 'connector_id', 'document_id', 'external_id', 'kind', 'content_hash', 'changed_at', 'sync_job_id'])
      .expression(
        trx
          .selectFrom('documents')
          .select((eb) => [
            'workspace_id',
            'collection',
            'connector_id',
            'id',
            'external_id',
            sql<string>`'delete'`.as('kind'),
            sql<null>`null`.as('content_hash'),
            sql<string>`cast(${change.now} as text)`.as('changed_at'),
            eb.cast<string | null>(eb.val(change.jobId), 'text').as('sync_job_id'),
          ])
          .where(selected)
          .orderBy('id'),
      )
      .execute();
    const result = await trx.deleteFrom('documents').where(selected).executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}

async function horizonOf(db: Executor, scope: FeedScope): Promise<number> {
  const row = await db
    .selectFrom('document_change_horizons')
    .select('compacted_through')
    .where('workspace_id', '=', scope.workspaceId)
    .where('collection', '=', scope.collection)
    .executeTakeFirst();
  return Number(row?.compacted_through ?? 0);
}

export type ChangesPage = { expired: false; changes: DocumentChange[]; nextCursor: string; hasMore: boolean } | { expired: true; compactedThrough: number };

/**
 * The changes of a collection after the cursor (from the start without one), oldest first. A cursor
 * behind the compaction horizon has expired unless nothing was compacted since the page that gave
 * it: compaction may have removed a deletion that consumer never read.
 */
export async function readDocumentChanges(db: Executor, scope: FeedScope, options: { cursor: FeedPosition | null; limit: number }): Promise<ChangesPage> {
  // One snapshot, so the horizon and the rows agree (SQLite's transactions are serialisable already).
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const horizon = await horizonOf(trx, scope);
      const { cursor } = options;
      if (cursor && Math.max(cursor.seq, cursor.horizon) < horizon) return { expired: true, compactedThrough: horizon };
      const after = cursor?.seq ?? 0;
      const rows = await trx
        .selectFrom('document_changes')
        .select(['seq', 'kind', 'document_id', 'external_id', 'content_hash', 'changed_at'])
        .where('workspace_id', '=', scope.workspaceId)
        .where('collection', '=', scope.collection)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(options.limit + 1)
        .execute();
      const changes = rows.slice(0, options.limit).map((row) => ({
        seq: Number(row.seq),
        kind: row.kind as DocumentChange['kind'],
        documentId: row.document_id,
        externalId: row.external_id,
        contentHash: row.content_hash,
        changedAt: row.changed_at,
      }));
      const seq = changes.at(-1)?.seq ?? after;
      return { expired: false, changes, nextCursor: encodeChangeCursor({ collection: scope.collection, seq, horizon }), hasMore: rows.length > options.limit };
    });
}

/**
 * The cursor of the collection's feed as it stands: a consumer that starts from it reads only what
 * changes afterwards. Under the per-collection lock every change up to the newest visible one has
 * committed, so nothing before it can still appear.
 * @example await currentChangeCursor(db, 'ws_1', 'handbook') // 'WyJoYW5kYm9vayIsNDIsMF0'
 */
export async function currentChangeCursor(db: Executor, workspaceId: string, collection: string): Promise<string> {
  const scope = { workspaceId, collection };
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const horizon = await horizonOf(trx, scope);
      const newest = await trx
        .selectFrom('document_changes')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('workspace_id', '=', workspaceId)
        .where('collection', '=', collection)
        .executeTakeFirst();
      return encodeChangeCursor({ collection, seq: Number(newest?.seq ?? 0), horizon });
    });
}

/** True when the collection's feed holds or has held changes, so it still answers after its last connector is deleted. */
export async function collectionHasChanges(db: Executor, scope: FeedScope): Promise<boolean> {
  const row = await db
    .selectFrom('document_changes')
    .select('seq')
    .where('workspace_id', '=', scope.workspaceId)
    .where('collection', '=', scope.collection)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined || (await horizonOf(db, scope)) > 0;
}

/**
 * Removes from the collection's feed, up to its last change older than `olderThan`, the changes a
 * newer change of the same document supersedes and the deletions (a reader from the start needs
 * neither), and raises the collection's horizon to the newest change removed. The newest upsert of every
 * document stays, so the feed read from its start is always the whole collection.
 * Returns how many changes it removed.
 */
export async function compactDocumentChanges(db: Executor, scope: FeedScope & { olderThan: string }): Promise<number> {
  return withinTransaction(db, async (trx) => {
    await lockCollectionFeed(trx, scope);
    const inFeed = (eb: ExpressionBuilder<Database, 'document_changes'>) =>
      eb.and([eb('document_changes.workspace_id', '=', scope.workspaceId), eb('document_changes.collection', '=', scope.collection)]);
    // Cut by number, not by each row's time: workers' clocks differ, and a deletion stamped earlier
    // than the upsert before it must not go while that upsert stays.
    const cut = await trx
      .selectFrom('document_changes')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where(inFeed)
      .where('changed_at', '<', scope.olderThan)
      .executeTakeFirst();
    if (cut?.seq === null || cut?.seq === undefined) return 0;
    const cutSeq = Number(cut.seq);
    const removable = (eb: ExpressionBuilder<Database, 'document_changes'>) =>
      eb.and([
        inFeed(eb),
        eb('document_changes.seq', '<=', cutSeq),
        eb.or([
          eb('document_changes.kind', '=', 'delete'),
          eb.exists(
            eb
              .selectFrom('document_changes as newer')
              .select('newer.seq')
              .whereRef('newer.workspace_id', '=', 'document_changes.workspace_id')
              .whereRef('newer.collection', '=', 'document_changes.collection')
              .whereRef('newer.document_id', '=', 'document_changes.document_id')
              .whereRef('newer.seq', '>', 'document_changes.seq'),
          ),
        ]),
      ]);
    const newest = await trx
      .selectFrom('document_changes')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where(removable)
      .executeTakeFirst();
    if (newest?.seq === null || newest?.seq === undefined) return 0;
    const through = Math.max(Number(newest.seq), await horizonOf(trx, scope));
    await trx
      .insertInto('document_change_horizons')
      .values({ workspace_id: scope.workspaceId, collection: scope.collection, compacted_through: through })
      .onConflict((conflict) => conflict.columns(['workspace_id', 'collection']).doUpdateSet({ compacted_through: through }))
      .execute();
    const result = await trx.deleteFrom('document_changes').where(removable).executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}
