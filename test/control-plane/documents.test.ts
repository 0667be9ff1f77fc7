import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.ts';
import { startControlPlane, uniqueId, waitForSync, type ControlPlane } from '../support/control-plane.ts';

interface ListedDocument {
  id: string;
  connectorId: string;
  externalId: string;
}

describe.each(dialects)('the documents of a collection on %s', (dialect) => {
  let plane: ControlPlane;
  let collection: string;
  let handbook: string;
  let wiki: string;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    // Two upload connectors write into one collection, each synced for real.
    collection = uniqueId('shared');
    handbook = await syncedUploads('Handbook', { 'vacation.md': '# Vacation', 'expenses.md': '# Expenses', 'onboarding.md': '# Onboarding' });
    wiki = await syncedUploads('Wiki', { 'deploys.txt': 'How we deploy', 'oncall.txt': 'Who is on call' });
  }, 120_000);
  afterAll(async () => plane?.close());

  async function syncedUploads(name: string, files: Record<string, string>): Promise<string> {
    const created = await plane.request('POST', '/v1/connectors', { body: { name, type: 'upload', config: {}, collection } });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    const form = new FormData();
    for (const [file, content] of Object.entries(files)) form.append('file', new File([content], file, { type: 'text/plain' }));
    const uploaded = await plane.app.request(`/v1/connectors/${id}/files`, { method: 'POST', headers: { authorization: `Bearer ${plane.key}` }, body: form });
    expect(uploaded.status).toBe(201);
    const started = await plane.request('POST', `/v1/connectors/${id}/sync`);
    expect(started.status).toBe(202);
    expect(await waitForSync(plane, id, started.body.data.jobId)).toMatchObject({ status: 'succeeded' });
    return id;
  }

  /** Follows `nextCursor` to the end, checking each page's size. */
  async function allPages(query: string, limit: number): Promise<{ documents: ListedDocument[]; pages: number }> {
    const documents: ListedDocument[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { data: ListedDocument[]; nextCursor: string | null } } = await plane.request(
        'GET',
        `/v1/collections/${collection}/documents?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(limit);
      documents.push(...page.body.data);
      cursor = page.body.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(20);
    } while (cursor);
    return { documents, pages };
  }

  const externalIds = (documents: ListedDocument[]) => documents.map((document) => document.externalId).sort();

  it('lists the documents of every connector writing into the collection', async () => {
    const all = await plane.request('GET', `/v1/collections/${collection}/documents`);
    expect(all.status).toBe(200);
    expect(externalIds(all.body.data)).toEqual([
      'uploads/deploys.txt',
      'uploads/expenses.md',
      'uploads/onboarding.md',
      'uploads/oncall.txt',
      'uploads/vacation.md',
    ]);
    expect(all.body.nextCursor).toBeNull();
  });

  it('keeps to one connector with connectorId', async () => {
    const fromWiki = await plane.request('GET', `/v1/collections/${collection}/documents?connectorId=${wiki}`);
    expect(externalIds(fromWiki.body.data)).toEqual(['uploads/deploys.txt', 'uploads/oncall.txt']);
    expect(new Set(fromWiki.body.data.map((document: ListedDocument) => document.connectorId))).toEqual(new Set([wiki]));
    const fromHandbook = await plane.request('GET', `/v1/collections/${collection}/documents?connectorId=${handbook}`);
    expect(externalIds(fromHandbook.body.data)).toEqual(['uploads/expenses.md', 'uploads/onboarding.md', 'uploads/vacation.md']);
    const fromNobody = await plane.request('GET', `/v1/collections/${collection}/documents?connectorId=${uniqueId('nobody')}`);
    expect(fromNobody.body.data).toEqual([]);
  });

  it('pages through the collection with the cursor, each document once', async () => {
    const { documents, pages } = await allPages('', 2);
    expect(pages).toBe(3);
    expect(new Set(documents.map((document) => document.id)).size).toBe(5);
    expect(externalIds(documents)).toHaveLength(5);

    const handbookOnly = await allPages(`connectorId=${handbook}`, 1);
    expect(handbookOnly.pages).toBe(3);
    expect(externalIds(handbookOnly.documents)).toEqual(['uploads/expenses.md', 'uploads/onboarding.md', 'uploads/vacation.md']);

    const bad = await plane.request('GET', `/v1/collections/${collection}/documents?cursor=not-a-cursor`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toEqual(['cursor']);
  });
});
