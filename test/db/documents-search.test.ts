import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCollectionDocuments, upsertDocuments, type PreparedDocument } from '../../db/repositories/documents.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';

const scope = { workspaceId: 'ws-search', collection: 'library', connectorId: 'conn_search', jobId: 'job_search', now: new Date().toISOString() };

function document(externalId: string, content: string): PreparedDocument {
  return { externalId, title: externalId, url: null, mimeType: 'text/plain', content, metadata: {}, sourceUpdatedAt: null };
}

describe.each(dialects)('full-text search of documents on %s', (dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(async () => database?.drop());

  const search = async (q: string) =>
    (await listCollectionDocuments(database.db, { workspaceId: scope.workspaceId, collection: scope.collection, q, limit: 10 })).items.map(
      (found) => found.externalId,
    );

  it('stores and finds a document with more distinct words than one PostgreSQL tsvector holds', async () => {
    // 200,000 distinct words: about 2 MiB of tsvector, twice PostgreSQL's limit.
    const words = Array.from({ length: 200_000 }, (_, index) => `w${index}`).join(' ');
    const stored = await database.db
      .transaction()
      .execute((trx) => upsertDocuments(trx, scope, [document('vocabulary.txt', `opening ${words}`), document('memo.txt', 'A short memo on the offsite.')]));
    expect(stored).toMatchObject({ indexed: 2 });
    expect(await search('opening')).toEqual(['vocabulary.txt']);
    expect(await search('w1234')).toEqual(['vocabulary.txt']);
    expect(await search('offsite')).toEqual(['memo.txt']);
  });
});
