import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compactDocumentChanges,
  currentChangeCursor,
  decodeChangeCursor,
  readDocumentChanges,
  type ChangesPage,
} from '../../db/repositories/document-changes.ts';
import {
  deleteConnectorDocuments,
  deleteDocumentsByExternalId,
  deleteDocumentsNotSeenBy,
  documentId,
  upsertDocuments,
  type PreparedDocument,
} from '../../db/repositories/documents.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';

const DAY = 24 * 60 * 60 * 1000;

describe.each(dialects)('the change feed of a collection on %s', (dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(async () => database?.drop());

  const read = (workspaceId: string, collection: string, cursor: string | null = null, limit = 100) =>
    readChanges(database, workspaceId, collection, cursor, limit);

  it('records a write of each new or changed document and none for an unchanged one', async () => {
    const scope = target('ws-write', 'handbook', 'conn_write', 'job_1');
    await database.db.transaction().execute((trx) => upsertDocuments(trx, scope, [document('a', 'one'), document('b', 'two')]));
    const second = { ...scope, jobId: 'job_2' };
    const stored = await database.db.transaction().execute((trx) => upsertDocuments(trx, second, [document('a', 'one'), document('b', 'two, edited')]));
    expect(stored).toEqual({ indexed: 1, unchanged: 1 });

    const page = await read('ws-write', 'handbook');
    if (page.expired) throw new Error('expired');
    expect(page.changes.map(({ kind, externalId, documentId: id }) => ({ kind, externalId, id }))).toEqual([
      { kind: 'upsert', externalId: 'a', id: documentId('conn_write', 'a') },
      { kind: 'upsert', externalId: 'b', id: documentId('conn_write', 'b') },
      { kind: 'upsert', externalId: 'b', id: documentId('conn_write', 'b') },
    ]);
    const [first, , edited] = page.changes;
    expect(first!.seq).toBeLessThan(edited!.seq);
    const stored_b = await database.db.selectFrom('documents').select('content_hash').where('id', '=', documentId('conn_write', 'b')).executeTakeFirstOrThrow();
    expect(edited!.contentHash).toBe(stored_b.content_hash);
    expect(page.hasMore).toBe(false);
  });

  it('records a delete for each document removed, by external id, as unseen, or with its connector', async () => {
    const scope = target('ws-delete', 'wiki', 'conn_delete', 'job_full');
    await database.db.transaction().execute((trx) =>
      upsertDocuments(
        trx,
        scope,
        ['a', 'b', 'c', 'd'].map((id) => document(id, id)),
      ),
    );
    await database.db
      .transaction()
      .execute((trx) => deleteDocumentsByExternalId(trx, 'conn_delete', ['a', 'not-stored'], { jobId: 'job_inc', now: scope.now }));
    await database.db.transaction().execute((trx) => upsertDocuments(trx, { ...scope, jobId: 'job_next' }, [document('b', 'b')]));
    expect(await deleteDocumentsNotSeenBy(database.db, 'conn_delete', 'job_next', scope.now)).toBe(2);
    expect(await deleteConnectorDocuments(database.db, 'conn_delete', scope.now)).toBe(1);
    expect(await deleteConnectorDocuments(database.db, 'conn_delete', scope.now)).toBe(0);

    const page = await read('ws-delete', 'wiki');
    expect(changesOf(page)).toEqual([
      ['upsert', 'a'],
      ['upsert', 'b'],
      ['upsert', 'c'],
      ['upsert', 'd'],
      ['delete', 'a'],
      ['delete', 'c'],
      ['delete', 'd'],
      ['delete', 'b'],
    ]);
    if (page.expired) throw new Error('expired');
    expect(page.changes.at(-1)).toMatchObject({ kind: 'delete', contentHash: null, documentId: documentId('conn_delete', 'b') });
    const jobs = await database.db.selectFrom('document_changes').select('sync_job_id').where('collection', '=', 'wiki').orderBy('seq').execute();
    expect(jobs.map((row) => row.sync_job_id)).toEqual(['job_full', 'job_full', 'job_full', 'job_full', 'job_inc', 'job_next', 'job_next', null]);
  });

  it('records nothing when the transaction of the write rolls back', async () => {
    const scope = target('ws-rollback', 'notes', 'conn_rollback', 'job_1');
    await expect(
      database.db.transaction().execute(async (trx) => {
        await upsertDocuments(trx, scope, [document('a', 'one')]);
        throw new Error('page failed');
      }),
    ).rejects.toThrow('page failed');
    expect(changesOf(await read('ws-rollback', 'notes'))).toEqual([]);
  });

  it('pages with a cursor that names its collection, and starts after the current cursor', async () => {
    const scope = target('ws-page', 'docs', 'conn_page', 'job_1');
    await database.db.transaction().execute((trx) =>
      upsertDocuments(
        trx,
        scope,
        ['a', 'b', 'c'].map((id) => document(id, id)),
      ),
    );
    const first = await read('ws-page', 'docs', null, 2);
    if (first.expired) throw new Error('expired');
    expect(first.hasMore).toBe(true);
    expect(decodeChangeCursor(first.nextCursor).collection).toBe('docs');
    const second = await read('ws-page', 'docs', first.nextCursor, 2);
    expect(changesOf(second)).toEqual([['upsert', 'c']]);
    expect(second.expired || second.hasMore).toBe(false);

    const current = await currentChangeCursor(database.db, 'ws-page', 'docs');
    expect(changesOf(await read('ws-page', 'docs', current))).toEqual([]);
    await database.db.transaction().execute((trx) => upsertDocuments(trx, { ...scope, jobId: 'job_2' }, [document('d', 'd')]));
    expect(changesOf(await read('ws-page', 'docs', current))).toEqual([['upsert', 'd']]);
    // Another workspace's collection of the same name is another feed.
    expect(changesOf(await read('ws-other', 'docs'))).toEqual([]);
  });

  it('compacts old superseded changes and old deletions, and expires the cursors behind them', async () => {
    const now = Date.now();
    const old = new Date(now - 10 * DAY).toISOString();
    const recent = new Date(now - DAY).toISOString();
    const scope = { workspaceId: 'ws-compact', collection: 'kb', connectorId: 'conn_compact' };
    await database.db.transaction().execute((trx) =>
      upsertDocuments(
        trx,
        { ...scope, jobId: 'job_1', now: old },
        ['a', 'b', 'c'].map((id) => document(id, 'v1')),
      ),
    );
    const lagging = await currentChangeCursor(database.db, 'ws-compact', 'kb');
    await database.db.transaction().execute((trx) => upsertDocuments(trx, { ...scope, jobId: 'job_2', now: old }, [document('a', 'v2')]));
    await database.db.transaction().execute((trx) => deleteDocumentsByExternalId(trx, 'conn_compact', ['b'], { jobId: 'job_2', now: old }));
    await database.db.transaction().execute((trx) => upsertDocuments(trx, { ...scope, jobId: 'job_3', now: recent }, [document('c', 'v2')]));
    const current = await currentChangeCursor(database.db, 'ws-compact', 'kb');

    const removed = await compactDocumentChanges(database.db, {
      workspaceId: 'ws-compact',
      collection: 'kb',
      olderThan: new Date(now - 7 * DAY).toISOString(),
    });
    // a's first upsert, b's upsert and its deletion, c's first upsert; a v2 and c v2 stay.
    expect(removed).toBe(4);
    const fromStart = await read('ws-compact', 'kb');
    expect(changesOf(fromStart)).toEqual([
      ['upsert', 'a'],
      ['upsert', 'c'],
    ]);
    expect(await compactDocumentChanges(database.db, { workspaceId: 'ws-compact', collection: 'kb', olderThan: new Date(now - 7 * DAY).toISOString() })).toBe(
      0,
    );

    // b's deletion is gone, so a reader that had seen b cannot be brought up to date.
    expect(await read('ws-compact', 'kb', lagging)).toMatchObject({ expired: true });
    // A reader already past everything compacted reads on.
    expect(changesOf(await read('ws-compact', 'kb', current))).toEqual([]);
    // A reader from the start was given the horizon with its page, so it reads on until the next compaction.
    if (fromStart.expired) throw new Error('expired');
    expect(changesOf(await read('ws-compact', 'kb', fromStart.nextCursor))).toEqual([]);
    const fresh = await read('ws-compact', 'kb', null, 1);
    if (fresh.expired) throw new Error('expired');
    expect(changesOf(await read('ws-compact', 'kb', fresh.nextCursor))).toEqual([['upsert', 'c']]);
    // A later compaction above that reader's position expires it.
    await database.db.transaction().execute((trx) => deleteDocumentsByExternalId(trx, 'conn_compact', ['c'], { jobId: 'job_4', now: old }));
    expect(await compactDocumentChanges(database.db, { workspaceId: 'ws-compact', collection: 'kb', olderThan: new Date(now - 7 * DAY).toISOString() })).toBe(
      2,
    );
    expect(await read('ws-compact', 'kb', fresh.nextCursor)).toMatchObject({ expired: true });
    expect(changesOf(await read('ws-compact', 'kb'))).toEqual([['upsert', 'a']]);
  });
});

/** SQLite writes through one connection, so writers are in order by construction; PostgreSQL's need the lock. */
describe('the change feed under concurrent writers on postgres', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => database?.drop());

  it('makes a second writer of a collection wait for the first to commit, so numbers commit in order', async () => {
    const scope = target('ws-order', 'shared', 'conn_first', 'job_1');
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstWrote!: () => void;
    const firstHasWritten = new Promise<void>((resolve) => (firstWrote = resolve));
    const first = database.db.transaction().execute(async (trx) => {
      await upsertDocuments(trx, scope, [document('first', 'one')]);
      firstWrote();
      await firstHolds;
    });
    await firstHasWritten;
    let secondDone = false;
    const second = database.db
      .transaction()
      .execute((trx) => upsertDocuments(trx, { ...scope, connectorId: 'conn_second', jobId: 'job_2' }, [document('second', 'two')]))
      .then(() => (secondDone = true));
    // A writer of another collection does not wait.
    await database.db
      .transaction()
      .execute((trx) => upsertDocuments(trx, { ...scope, collection: 'elsewhere', connectorId: 'conn_third' }, [document('third', 'three')]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondDone).toBe(false);
    expect(changesOf(await readChanges(database, 'ws-order', 'shared'))).toEqual([]);
    releaseFirst();
    await Promise.all([first, second]);
    const page = await readChanges(database, 'ws-order', 'shared');
    expect(changesOf(page)).toEqual([
      ['upsert', 'first'],
      ['upsert', 'second'],
    ]);
  });
});

function readChanges(database: TestDatabase, workspaceId: string, collection: string, cursor: string | null = null, limit = 100) {
  return readDocumentChanges(database.db, { workspaceId, collection }, { cursor: cursor === null ? null : decodeChangeCursor(cursor), limit });
}

function changesOf(page: ChangesPage) {
  return page.expired ? [] : page.changes.map((change) => [change.kind, change.externalId]);
}

function target(workspaceId: string, collection: string, connectorId: string, jobId: string) {
  return { workspaceId, collection, connectorId, jobId, now: new Date().toISOString() };
}

function document(externalId: string, content: string): PreparedDocument {
  return { externalId, title: externalId, url: null, mimeType: 'text/plain', content, metadata: {}, sourceUpdatedAt: null };
}
