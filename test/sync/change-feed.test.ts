import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { createTestKey } from '../support/api.ts';
import { eventually, startControlPlane, syncToEnd, type ControlPlane } from '../support/control-plane.ts';
import { seededSalesforceProvider, salesforceScenario, type SalesforceProvider } from '../support/providers/salesforce.ts';
import { createBoundConnector } from '../support/source-conformance.ts';

const DAY = 24 * 60 * 60 * 1000;

// Salesforce's reader reports deletions in incremental syncs and lists ids for prunes, so one
// connector shows every way a document enters or leaves a collection.
describe('following the change feed of a collection on sqlite', () => {
  let plane: ControlPlane;
  let provider: SalesforceProvider;
  let collection: string;
  const consumer = newConsumer();
  let cursorAfterFullSync: string;

  beforeAll(async () => {
    [plane, provider] = await Promise.all([startControlPlane('sqlite'), seededSalesforceProvider()]);
  });
  afterAll(async () => {
    await plane?.close();
    await provider?.close();
  });

  /** Reads the feed page by page from the consumer's cursor, applying each change; returns what it read. */
  async function follow(reader: Consumer, options: { limit?: number } = {}): Promise<Array<[string, string]>> {
    const read: Array<[string, string]> = [];
    for (;;) {
      const query = new URLSearchParams({ limit: String(options.limit ?? 3), ...(reader.cursor ? { cursor: reader.cursor } : {}) });
      const page = await plane.request('GET', `/v1/collections/${collection}/changes?${query.toString()}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      for (const change of page.body.data as Change[]) {
        if (change.kind === 'upsert') reader.index.set(change.documentId, change.contentHash as string);
        else reader.index.delete(change.documentId);
        read.push([change.kind, change.externalId]);
      }
      reader.cursor = page.body.nextCursor;
      if (!page.body.hasMore) return read;
    }
  }

  async function documentsOfCollection(): Promise<Map<string, string>> {
    const stored = new Map<string, string>();
    let cursor: string | null = null;
    do {
      const page = await plane.request('GET', `/v1/collections/${collection}/documents?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      for (const document of page.body.data as Array<{ id: string; contentHash: string }>) stored.set(document.id, document.contentHash);
      cursor = page.body.nextCursor;
    } while (cursor);
    return stored;
  }

  it('ends with exactly the collection after a full sync', async () => {
    collection = await createBoundConnector(plane, {
      type: 'salesforce',
      name: 'Followed',
      config: salesforceScenario.config(provider),
      credential: salesforceScenario.tokenCredential(provider),
      schedules: true,
    });
    expect(await syncToEnd(plane, collection, 'full')).toMatchObject({ status: 'succeeded' });
    const read = await follow(consumer);
    const seeded = salesforceScenario.seeded(provider).length;
    expect(read).toHaveLength(seeded);
    expect(read.every(([kind]) => kind === 'upsert')).toBe(true);
    expect(consumer.index).toEqual(await documentsOfCollection());
    cursorAfterFullSync = consumer.cursor as string;
    // A full sync that changes nothing adds nothing to the feed.
    expect(await syncToEnd(plane, collection, 'full')).toMatchObject({ status: 'succeeded', progress: { unchanged: seeded } });
    expect(await follow(consumer)).toEqual([]);
  });

  it('reads only the changes, addition and deletion of an incremental sync, and ends with exactly the collection', async () => {
    const changes = salesforceScenario.change(provider);
    expect(await syncToEnd(plane, collection, 'incremental')).toMatchObject({ status: 'succeeded', progress: { indexed: 3, deleted: 1 } });
    const read = await follow(consumer);
    const expected = [...changes.changed.map((document) => ['upsert', document.externalId]), ['upsert', changes.added.externalId], ['delete', changes.deleted]];
    expect(read).toHaveLength(expected.length);
    expect(read).toEqual(expect.arrayContaining(expected));
    expect(consumer.index).toEqual(await documentsOfCollection());
  });

  it('reads the deletions of a prune, and ends with exactly the collection', async () => {
    provider.deleteRecord('Case', provider.ids.loginCase as string);
    const before = (await documentsOfCollection()).size;
    await plane.client.schedule.getHandle(workflowIds.connectorPruneSchedule(collection)).trigger();
    await eventually(async () => expect((await documentsOfCollection()).size).toBe(before - 1), 60_000);
    expect(await follow(consumer)).toEqual([['delete', `Case/${provider.ids.loginCase}`]]);
    expect(consumer.index).toEqual(await documentsOfCollection());
    // A new consumer reading from the start builds the same collection.
    const fresh = newConsumer();
    await follow(fresh, { limit: 1000 });
    expect(fresh.index).toEqual(consumer.index);
  });

  it('refuses a cursor it did not issue, another collection’s cursor and a limit over 1000 with 400', async () => {
    const garbage = await plane.request('GET', `/v1/collections/${collection}/changes?cursor=not-a-cursor`);
    expect(garbage.status).toBe(400);
    expect(garbage.body.error).toMatchObject({ code: 'invalid_request', details: { issues: [expect.objectContaining({ path: ['cursor'] })] } });
    const foreign = Buffer.from(JSON.stringify(['another-collection', 1, 0])).toString('base64url');
    const other = await plane.request('GET', `/v1/collections/${collection}/changes?cursor=${foreign}`);
    expect(other.status).toBe(400);
    expect(other.body.error.message).toContain('another-collection');
    expect((await plane.request('GET', `/v1/collections/${collection}/changes?limit=1001`)).status).toBe(400);
  });

  it('answers 404 for a collection of another workspace or none', async () => {
    const otherKey = await createTestKey(plane.database.db, `ws-other-${Date.now()}`);
    const foreign = await plane.request('GET', `/v1/collections/${collection}/changes`, { key: otherKey });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('not_found');
    expect((await plane.request('GET', '/v1/collections/no-such-collection/changes')).status).toBe(404);
  });

  it('compacts the feed when a job ends, and answers 410 to a cursor behind what it removed', async () => {
    // Ages every change past the default retention of 7 days, as if the feed had not been read since.
    await plane.database.db
      .updateTable('document_changes')
      .set({ changed_at: new Date(Date.now() - 8 * DAY).toISOString() })
      .execute();
    expect(await syncToEnd(plane, collection, 'full')).toMatchObject({ status: 'succeeded' });

    const expired = await plane.request('GET', `/v1/collections/${collection}/changes?cursor=${cursorAfterFullSync}`);
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('cursor_expired');
    expect(expired.body.error.message).toContain('from the start');
    // The consumer that kept up reads on, and one from the start still builds the whole collection.
    expect(await follow(consumer)).toEqual([]);
    const fresh = newConsumer();
    const read = await follow(fresh, { limit: 1000 });
    expect(read.every(([kind]) => kind === 'upsert')).toBe(true);
    expect(fresh.index).toEqual(await documentsOfCollection());
  });

  it('reads the deletions of a deleted connector, its collection’s feed answering after the connector is gone', async () => {
    expect((await plane.request('DELETE', `/v1/connectors/${collection}`)).status).toBe(202);
    await eventually(async () => expect((await plane.request('GET', `/v1/connectors/${collection}`)).status).toBe(404));
    const read = await follow(consumer, { limit: 1000 });
    expect(read.length).toBeGreaterThan(0);
    expect(read.every(([kind]) => kind === 'delete')).toBe(true);
    expect(consumer.index.size).toBe(0);
  });
});

interface Change {
  seq: number;
  kind: 'upsert' | 'delete';
  documentId: string;
  externalId: string;
  contentHash: string | null;
  changedAt: string;
}

interface Consumer {
  cursor: string | null;
  /** Document id to content hash, as a search index fed from the feed would hold them. */
  index: Map<string, string>;
}

function newConsumer(): Consumer {
  return { cursor: null, index: new Map() };
}
