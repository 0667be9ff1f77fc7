import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, createTestKey, type TestApp } from '../support/api.ts';
import { startControlPlane, uniqueId, type ControlPlane, syncToEnd } from '../support/control-plane.ts';
import { dialects } from '../support/databases.ts';
import { countRows } from '../support/row-snapshot.ts';

describe.each(dialects)('uploaded files on %s', (dialect) => {
  let plane: ControlPlane;
  /** The same API with a 1000-byte upload quota per workspace. */
  let quotaApp: TestApp;
  let viewerKey: string;
  let otherKey: string;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    quotaApp = createTestApp({ db: plane.database.db, client: plane.client, taskQueue: plane.worker.taskQueue, limits: { uploadQuotaBytes: 1000 } });
    viewerKey = await createTestKey(plane.database.db, plane.workspaceId, 'viewer');
    otherKey = await createTestKey(plane.database.db, uniqueId('ws-other'));
  });
  afterAll(async () => plane?.close());

  it('answers a malformed multipart body with 400 and stores nothing', async () => {
    const id = await createUploadConnector();
    const part = '--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello';
    const bodies: Array<[string, string]> = [
      ['multipart/form-data; boundary=x', 'this is not a form'],
      ['multipart/form-data; boundary=x', part],
      ['multipart/form-data; boundary=x', `${part}\r\n--x`],
      ['multipart/form-data', `${part}\r\n--x--\r\n`],
      ['multipart/form-data; boundary=x', ''],
    ];
    const before = await countRows(plane.database.db);
    for (const [contentType, body] of bodies) {
      const response = await plane.app.request(`/v1/connectors/${id}/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${plane.key}`, 'content-type': contentType },
        body,
      });
      expect(response.status, `${contentType}: ${JSON.stringify(body)}`).toBe(400);
      expect(await response.json()).toEqual({
        error: { code: 'invalid_request', message: expect.stringContaining('multipart/form-data body is malformed'), details: null },
      });
    }
    expect(await countRows(plane.database.db)).toEqual(before);
  });

  it('refuses a file name no database can store, storing nothing of the request', async () => {
    const id = await createUploadConnector();
    const refused = await upload(plane.app, id, { 'fine.txt': 'fine', 'bro\u0000ken.txt': 'x' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('is not a usable file name') });
    expect(await storedPaths(id)).toEqual([]);
  });

  it("keeps a workspace's uploads over all its connectors under the quota, freeing what a replacement or a deletion frees", async () => {
    // A workspace of its own, so the other tests' files do not count.
    const key = await createTestKey(plane.database.db, uniqueId('ws-quota'));
    const first = await createUploadConnector(key);
    const second = await createUploadConnector(key);
    expect((await upload(quotaApp, first, { 'a.txt': 600 }, key)).status).toBe(201);

    const before = await countRows(plane.database.db);
    const over = await upload(quotaApp, second, { 'b.txt': 500 }, key);
    expect(over.status).toBe(413);
    expect(over.body.error).toEqual({
      code: 'quota_exceeded',
      message: expect.stringContaining('stores 600 of its 1000 bytes'),
      details: { usedBytes: 600, quotaBytes: 1000, uploadBytes: 500 },
    });
    // All or none: the first file would fit, the second would not.
    expect((await upload(quotaApp, second, { 'c.txt': 300, 'd.txt': 200 }, key)).status).toBe(413);
    expect(await countRows(plane.database.db)).toEqual(before);
    expect(await storedPaths(second)).toEqual([]);

    // Replacing a path frees its old size; the same path twice in one request counts once.
    expect((await upload(quotaApp, first, { 'a.txt': 900 }, key)).status).toBe(201);
    expect((await upload(quotaApp, first, { './a.txt': 1000, 'a.txt': 1000 }, key)).status).toBe(201);
    const listed = await call(quotaApp, 'GET', `/v1/connectors/${first}/files`, { key });
    expect(listed.body).toMatchObject({ data: [{ path: 'a.txt', size: 1000 }], usage: { usedBytes: 1000, quotaBytes: 1000 } });
    expect((await upload(quotaApp, second, { 'b.txt': 1 }, key)).status).toBe(413);

    expect((await call(quotaApp, 'DELETE', `/v1/connectors/${first}/files?path=a.txt`, { key })).status).toBe(204);
    expect((await upload(quotaApp, second, { 'b.txt': 500 }, key)).status).toBe(201);
    expect(await storedPaths(second)).toEqual(['b.txt']);

    // Another workspace has a quota of its own.
    const elsewhere = await createUploadConnector(otherKey);
    expect((await upload(quotaApp, elsewhere, { 'e.txt': 900 }, otherKey)).status).toBe(201);
  });

  it('lists stored files a page at a time and deletes one, which the next full sync removes from the documents', async () => {
    const id = await createUploadConnector();
    expect((await upload(plane.app, id, { 'notes/standup.md': '## Standup\n\nShipped search.', 'faq.txt': 'Vacation policy: ask.' })).status).toBe(201);
    expect((await sync(id, 'full')).progress).toMatchObject({ indexed: 2 });

    const firstPage = await plane.request('GET', `/v1/connectors/${id}/files?limit=1`);
    expect(firstPage.status).toBe(200);
    expect(firstPage.body.data).toEqual([{ path: 'faq.txt', size: 21, mimeType: 'text/plain', updatedAt: expect.any(String) }]);
    expect(firstPage.body.usage.usedBytes).toBeGreaterThanOrEqual(21 + 27);
    const secondPage = await call(plane.app, 'GET', `/v1/connectors/${id}/files?limit=1&cursor=${firstPage.body.nextCursor}`, { key: viewerKey });
    expect(secondPage.body).toMatchObject({ data: [{ path: 'notes/standup.md', size: 27, mimeType: 'text/markdown' }], nextCursor: null });

    const before = await countRows(plane.database.db);
    const remove = (key: string, path = 'notes/standup.md') =>
      call(plane.app, 'DELETE', `/v1/connectors/${id}/files?path=${encodeURIComponent(path)}`, { key });
    expect((await remove(viewerKey)).status).toBe(403);
    const foreign = await remove(otherKey);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('not_found');
    expect((await remove(plane.key, 'no/such.md')).status).toBe(404);
    expect(await countRows(plane.database.db)).toEqual(before);

    expect((await remove(plane.key)).status).toBe(204);
    expect((await remove(plane.key)).status).toBe(404);
    expect(await storedPaths(id)).toEqual(['faq.txt']);

    expect((await sync(id, 'full')).progress).toMatchObject({ deleted: 1 });
    const documents = await plane.request('GET', `/v1/collections/${id}/documents`);
    expect(documents.body.data.map((document: { externalId: string }) => document.externalId)).toEqual(['uploads/faq.txt']);
  });

  async function createUploadConnector(key = plane.key): Promise<string> {
    const created = await call(plane.app, 'POST', '/v1/connectors', { key, body: { name: uniqueId('files'), type: 'upload', config: {} } });
    expect(created.status).toBe(201);
    return created.body.data.id;
  }

  /** Uploads files given as content, or as a size to fill with bytes. */
  async function upload(app: TestApp, connectorId: string, files: Record<string, string | number>, key = plane.key) {
    const form = new FormData();
    for (const [name, content] of Object.entries(files)) {
      form.append(
        'file',
        new File([typeof content === 'number' ? 'x'.repeat(content) : content], name, { type: name.endsWith('.md') ? 'text/markdown' : 'text/plain' }),
      );
    }
    const response = await app.request(`/v1/connectors/${connectorId}/files`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
    return { status: response.status, body: (await response.json()) as { data: unknown; error: { code: string; message: string } } };
  }

  async function storedPaths(connectorId: string): Promise<string[]> {
    const rows = await plane.database.db.selectFrom('uploaded_files').select('path').where('connector_id', '=', connectorId).orderBy('path').execute();
    return rows.map((row) => row.path);
  }

  const sync = (connectorId: string, mode: 'full' | 'incremental') => syncToEnd(plane, connectorId, mode);
});
