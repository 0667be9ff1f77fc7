import { randomUUID } from 'node:crypto';
import type { OpenedCredential } from '../../connectors/connector-definition.ts';
import { findConnectorDefinition } from '../../connectors/registry.ts';
import type { Checkpoint } from '../../connectors/source.ts';
import type { Db } from '../../db/database.ts';
import { createSourcePorts } from '../../activities/source-ports.ts';
import { preparePage } from '../../sync/prepare-page.ts';
import { directReadContext } from '../../test/support/read-context.ts';
import type { SeededSource } from './reader-source.ts';

/**
 * The source read page by page and each page prepared as a sync would, with no Temporal and no
 * upserts: what the engine's cost is measured against. The source is opened again for each page, as
 * the sync's activity does; only a crawl's frontier is written, since the next page reads it.
 */
export async function readOnlyBaseline(db: Db, seeded: SeededSource): Promise<{ documents: number; pages: number; seconds: number }> {
  const definition = findConnectorDefinition(seeded.type);
  if (!definition) throw new Error(`no connector type ${seeded.type}`);
  const config = definition.configSchema.parse(seeded.config);
  const scope = { connectorId: `baseline-${seeded.type}`, jobId: `baseline-${randomUUID()}` };
  const started = performance.now();
  let checkpoint: Checkpoint | null = null;
  let documents = 0;
  let pages = 0;
  do {
    const ports = createSourcePorts(db, scope);
    // A copy: the AWS SDK marks the credentials object it is given, which would then fail the API's validation.
    const credential = structuredClone(seeded.credential) as OpenedCredential | undefined;
    const context = { ...directReadContext(config, { credential }), ...scope, ...ports };
    const page = await definition.openSource(context).read(checkpoint);
    await preparePage(page, context.limits);
    await ports.crawlFrontier.commit(db);
    documents += page.documents.length;
    pages += 1;
    checkpoint = page.next;
  } while (checkpoint);
  return { documents, pages, seconds: (performance.now() - started) / 1000 };
}
