import type { SyncLimits } from '../config/limits.ts';
import type { SourcePage } from '../connectors/source.ts';
import type { PreparedDocument } from '../db/repositories/documents.ts';
import type { SyncFailure } from '../db/repositories/sync-failures.ts';
import { oversizeReason } from '../domain/document-size.ts';
import type { SyncCounters } from '../domain/sync-job.ts';
import { parseDocument, preparedDocument } from './parse-document.ts';
import { sanitizedDocument, sanitizedFailure } from './sanitize-text.ts';

export interface PreparedPage {
  documents: PreparedDocument[];
  /** What was not indexed and why; skips are kept here under their own stage, so one list says it all. */
  failures: SyncFailure[];
  /** External ids of the documents whose text had to be cleaned before storing. */
  sanitized: string[];
  /** The page's counters, but for `indexed` and `unchanged`, which only the upsert knows. */
  delta: SyncCounters;
}

/**
 * Turns a source's page into what the sync stores: documents over the size limit are skipped
 * unparsed (sources that cannot tell a size before reading are held to it here), the rest parsed
 * and made storable on every dialect. Skipped items count as skipped, never as failed.
 */
export async function preparePage(page: SourcePage, limits: SyncLimits): Promise<PreparedPage> {
  const failures: SyncFailure[] = [
    ...(page.failures ?? []).map((failure) => ({ ...failure, stage: 'read' as const })),
    ...(page.skipped ?? []).map((skip) => ({ externalId: skip.externalId, stage: 'skip' as const, error: skip.reason })),
  ];
  const documents: PreparedDocument[] = [];
  const sanitized: string[] = [];
  let bytes = 0;
  for (const document of page.documents) {
    const size = typeof document.body === 'string' ? Buffer.byteLength(document.body) : document.body.byteLength;
    bytes += size;
    const oversize = oversizeReason(size, limits.maxDocumentBytes);
    const parsed = oversize ? { ok: false as const, skip: oversize } : await parseDocument(document);
    if (!parsed.ok) {
      failures.push(
        'skip' in parsed
          ? { externalId: document.externalId, stage: 'skip', error: parsed.skip }
          : { externalId: document.externalId, stage: 'parse', error: parsed.error },
      );
      continue;
    }
    const storable = sanitizedDocument(preparedDocument(document, parsed));
    if (storable.sanitized) sanitized.push(storable.document.externalId);
    documents.push(storable.document);
  }
  const skipped = failures.filter((failure) => failure.stage === 'skip').length;
  return {
    documents,
    failures: failures.map(sanitizedFailure),
    sanitized,
    delta: {
      collected: page.documents.length + (page.failures?.length ?? 0) + (page.skipped?.length ?? 0),
      parsed: documents.length,
      indexed: 0,
      unchanged: 0,
      deleted: 0,
      failed: failures.length - skipped,
      skipped,
      sanitized: sanitized.length,
      bytes,
    },
  };
}
