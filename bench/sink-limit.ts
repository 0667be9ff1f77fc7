import type { Db } from '../db/database.ts';
import { upsertDocuments, type PreparedDocument } from '../db/repositories/documents.ts';
import { createCorpus, type CorpusKind } from './fixtures.ts';

/**
 * The sink's own limit: pages of ready documents written through the documents repository's upsert,
 * one transaction per page, with no reading or parsing. A sync can at best match it, so each sync's
 * throughput is reported as a ratio to it, measured in the same run on the same schema.
 */
export async function measureSinkLimit(
  db: Db,
  options: { documents: number; pageSize: number; kind: CorpusKind; bytes?: number },
): Promise<{ docsPerSecond: number; pageMs: number[] }> {
  const corpus = createCorpus(options.kind);
  const connectorId = `sink-limit-${options.kind}`;
  const pages: PreparedDocument[][] = [];
  for (let start = 0; start < options.documents; start += options.pageSize) {
    const page: PreparedDocument[] = [];
    for (let index = start; index < Math.min(options.documents, start + options.pageSize); index += 1) {
      page.push({
        externalId: `part-${String(Math.floor(index / 1000)).padStart(4, '0')}/doc-${String(index).padStart(7, '0')}.txt`,
        title: `doc-${String(index).padStart(7, '0')}.txt`,
        url: null,
        mimeType: 'text/plain',
        content: corpus.body(index, options.bytes ?? 1024),
        metadata: { source: 'directory', path: `part-${index}` },
        sourceUpdatedAt: new Date(0).toISOString(),
      });
    }
    pages.push(page);
  }
  const pageMs: number[] = [];
  const started = performance.now();
  for (const page of pages) {
    const pageStarted = performance.now();
    await db
      .transaction()
      .execute((trx) =>
        upsertDocuments(trx, { workspaceId: 'bench', collection: connectorId, connectorId, jobId: 'sink-limit', now: new Date().toISOString() }, page),
      );
    pageMs.push(performance.now() - pageStarted);
  }
  const seconds = (performance.now() - started) / 1000;
  await db.deleteFrom('document_changes').where('connector_id', '=', connectorId).execute();
  await db.deleteFrom('documents').where('connector_id', '=', connectorId).execute();
  return { docsPerSecond: Math.round(options.documents / seconds), pageMs };
}
