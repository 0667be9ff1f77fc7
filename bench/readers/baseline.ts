import { randomUUID } from 'node:crypto';
import type { OpenedCredential } from '../../connectors/connector-definition.ts';
import { findConnectorDefinition } from '../../connectors/registry.ts';
import type { Db } from '../../db/database.ts';
import { createSourcePorts } from '../../activities/source-ports.ts';
import { preparePage } from '../../sync/prepare-page.ts';
import { readPagesAhead } from '../../sync/read-ahead.ts';
import { directReadContext } from '../../test/support/read-context.ts';
import type { SeededSource } from './reader-source.ts';

/**
 * The source read page by page, one page ahead, and each page prepared as a sync would, with no
 * Temporal and no upserts: what the engine's cost is measured against. Only a crawl's frontier is
 * written, since the next page reads it.
 */
export async function readOnlyBaseline(db: Db, seeded: SeededSource): Promise<{ documents: number; pages: number; seconds: number }> {
  const definition = findConnectorDefinition(seeded.type);
  if (!definition) throw new Error(`no connector type ${seeded.type}`);
  const config = definition.configSchema.parse(seeded.config);
  const scope = { connectorId: `baseline-${seeded.type}`, jobId: `baseline-${randomUUID()}` };
  const started = performance.now();
  let documents = 0;
  let pages = 0;
  const ports = createSourcePorts(db, scope);
  // A copy: the AWS SDK marks the credentials object it is given, which would then fail the API's validation.
  const credential = structuredClone(seeded.credential) as OpenedCredential | undefined;
  const context = { ...directReadContext(config, { credential }), ...scope, ...ports };
  const source = definition.openSource(context);
  try {
    await readPagesAhead(source, null, { more: () => true }, async (page) => {
      await preparePage(page, context.limits);
      await ports.crawlFrontier.commit(db);
      documents += page.documents.length;
      pages += 1;
      return true;
    });
  } finally {
    await source.close?.();
  }
  return { documents, pages, seconds: (performance.now() - started) / 1000 };
}
