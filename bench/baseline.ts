import { loadConfig } from '../config/env.ts';
import { syncLimitsOf, type SyncLimits } from '../config/limits.ts';
import type { Db } from '../db/database.ts';
import { upsertDocuments } from '../db/repositories/documents.ts';
import { openUploadSource } from '../connectors/upload/source.ts';
import { AddressPolicy } from '../net/address-policy.ts';
import { createGuardedFetch } from '../net/guarded-fetch.ts';
import { createSourcePorts } from '../activities/source-ports.ts';
import { preparePage } from '../sync/prepare-page.ts';
import { readPagesAhead } from '../sync/read-ahead.ts';

/**
 * The same reads, parsing and upserts as a sync, in a plain loop without Temporal: what the sync
 * engine's overhead is measured against.
 */
export async function baselineSync(
  db: Db,
  input: { connectorId: string; directory: string; roots: string[]; limits?: SyncLimits },
): Promise<{ documents: number; pageMs: number[] }> {
  const policy = new AddressPolicy([]);
  // The worker's defaults unless the caller says otherwise, as a sync would run.
  const limits = input.limits ?? syncLimitsOf(loadConfig({}));
  const source = openUploadSource({
    config: { directory: input.directory },
    credential: undefined,
    fetch: createGuardedFetch(policy),
    policy,
    connectorId: input.connectorId,
    jobId: 'baseline',
    since: null,
    sourceCursor: null,
    ...createSourcePorts(db, { connectorId: input.connectorId, jobId: 'baseline' }),
    environment: { directoryRoots: input.roots },
    limits,
    heartbeat: () => undefined,
    signal: new AbortController().signal,
  });
  let documents = 0;
  const pageMs: number[] = [];
  let pageStarted = performance.now();
  await readPagesAhead(source, null, { more: () => true }, async (page) => {
    const prepared = await preparePage(page, limits);
    await db
      .transaction()
      .execute((trx) =>
        upsertDocuments(
          trx,
          { workspaceId: 'bench', collection: input.connectorId, connectorId: input.connectorId, jobId: 'baseline', now: new Date().toISOString() },
          prepared.documents,
        ),
      );
    documents += page.documents.length;
    pageMs.push(performance.now() - pageStarted);
    pageStarted = performance.now();
    return true;
  });
  return { documents, pageMs };
}
