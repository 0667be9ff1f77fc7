import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparePage } from '../../sync/prepare-page.ts';
import { call, createTestApp, createTestKey, type TestApp } from '../support/api.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { eventually } from '../support/control-plane.ts';
import { connectTestClient, startTestWorker, type TestWorker } from '../support/temporal.ts';

const KiB = 1024;
/** Small limits, so that a few files of tens of KiB show what 25 MiB documents and 32 MiB pages do. */
const limits = { maxDocumentBytes: 64 * KiB, maxPageBytes: 256 * KiB, maxInlineRateLimitWaitMs: 60_000 };
/** Six of these fill a page (240 000 bytes); a seventh would pass 256 KiB. */
const PAGE_FILLER_BYTES = 40_000;

describe.each(dialects)('content a sync must survive, on %s', (dialect) => {
  let database: TestDatabase;
  let client: Client;
  let worker: TestWorker;
  let app: TestApp;
  let key: string;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'tributary-content-'));
    database = await createTestDatabase(dialect);
    client = await connectTestClient();
    worker = await startTestWorker({ db: database.db, client, directoryRoots: [root], limits });
    app = createTestApp({ db: database.db, client, taskQueue: worker.taskQueue, directoryRoots: [root] });
    key = await createTestKey(database.db, `ws-content-${dialect}`);
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await database?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  async function connectorWith(files: UploadedFixture[], directory?: string): Promise<string> {
    const created = await call(app, 'POST', '/v1/connectors', { key, body: { name: 'Content', type: 'upload', config: directory ? { directory } : {} } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id: string = created.body.data.id;
    const form = new FormData();
    for (const file of files) form.append('file', new File([file.content], file.name, { type: file.type }));
    const uploaded = await app.request(`/v1/connectors/${id}/files`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
    expect(uploaded.status, await uploaded.clone().text()).toBe(201);
    return id;
  }

  /** Starts a sync and waits for its end; a job still running after 30 s counts as stuck (a page retrying). */
  async function sync(connectorId: string) {
    const started = await call(app, 'POST', `/v1/connectors/${connectorId}/sync`, { key });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const jobId: string = started.body.data.jobId;
    return eventually(async () => {
      const job = await call(app, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}`, { key });
      if (['queued', 'running', 'canceling'].includes(job.body.data.status)) throw new Error(`job ${jobId} is still ${job.body.data.status}`);
      return job.body.data;
    }, 30_000);
  }

  async function failuresOf(connectorId: string, jobId: string) {
    const response = await call(app, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}/failures?limit=100`, { key });
    expect(response.status).toBe(200);
    return response.body.data as Array<{ externalId: string; stage: string; error: string }>;
  }

  async function storedContent(connectorId: string): Promise<Record<string, string>> {
    const rows = await database.db.selectFrom('documents').select(['external_id', 'content']).where('connector_id', '=', connectorId).execute();
    return Object.fromEntries(rows.map((row) => [row.external_id, row.content]));
  }

  it('stores text with a NUL character without it, and counts the document as sanitized', async () => {
    const id = await connectorWith([
      { name: 'minutes.txt', type: 'text/plain', content: 'Board minutes:\u0000 the budget was approved, and the offsite moves to May.' },
      { name: 'plain.txt', type: 'text/plain', content: 'Nothing unusual in here.' },
    ]);
    const job = await sync(id);
    expect(job).toMatchObject({ status: 'succeeded', error: null });
    expect(job.progress).toMatchObject({ collected: 2, parsed: 2, indexed: 2, failed: 0, skipped: 0, sanitized: 1 });
    expect(await storedContent(id)).toEqual({
      'uploads/minutes.txt': 'Board minutes: the budget was approved, and the offsite moves to May.',
      'uploads/plain.txt': 'Nothing unusual in here.',
    });
    const search = await call(app, 'GET', `/v1/collections/${id}/documents?q=offsite`, { key });
    expect(search.body.data.map((document: { externalId: string }) => document.externalId)).toEqual(['uploads/minutes.txt']);
  });

  it('skips binary content declared as text with its reason, listed among the failures as a skip', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(4 * KiB)]);
    const id = await connectorWith([
      { name: 'photo.txt', type: 'text/plain', content: png },
      { name: 'caption.txt', type: 'text/plain', content: 'The team at the offsite.' },
    ]);
    const job = await sync(id);
    expect(job).toMatchObject({ status: 'succeeded', error: null });
    expect(job.progress).toMatchObject({ collected: 2, parsed: 1, indexed: 1, failed: 0, skipped: 1 });
    expect(await failuresOf(id, job.jobId)).toEqual([
      { externalId: 'uploads/photo.txt', stage: 'skip', error: 'binary content in a text/plain document', at: expect.any(String) },
    ]);
    expect(Object.keys(await storedContent(id))).toEqual(['uploads/caption.txt']);
  });

  it('skips documents over the size limit unread, uploaded or in the folder, and indexes the rest', async () => {
    const folder = path.join(root, `oversized-${dialect}`);
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'archive-dump.txt'), 'log line\n'.repeat(Math.ceil((100 * KiB) / 9)));
    writeFileSync(path.join(folder, 'readme.md'), '# Readme\n\nThe folder part.');
    const id = await connectorWith(
      [
        { name: 'huge.txt', type: 'text/plain', content: 'x'.repeat(1.5 * 64 * KiB) },
        { name: 'small.txt', type: 'text/plain', content: 'A small note.' },
      ],
      folder,
    );
    const job = await sync(id);
    expect(job).toMatchObject({ status: 'succeeded', error: null });
    expect(job.progress).toMatchObject({ collected: 4, parsed: 2, indexed: 2, failed: 0, skipped: 2, total: 4, percent: 100 });
    expect(await failuresOf(id, job.jobId)).toEqual([
      {
        externalId: 'uploads/huge.txt',
        stage: 'skip',
        error: '96 KiB is over the 64 KiB document limit (TRIBUTARY_MAX_DOCUMENT_BYTES)',
        at: expect.any(String),
      },
      {
        externalId: 'archive-dump.txt',
        stage: 'skip',
        error: '100 KiB is over the 64 KiB document limit (TRIBUTARY_MAX_DOCUMENT_BYTES)',
        at: expect.any(String),
      },
    ]);
    expect(Object.keys(await storedContent(id)).sort()).toEqual(['readme.md', 'uploads/small.txt']);
  });

  it('bounds a page by bytes, uploaded files and folder alike, and still reads every file once', async () => {
    const folder = path.join(root, `filler-${dialect}`);
    mkdirSync(folder);
    for (let index = 0; index < 12; index += 1) writeFileSync(path.join(folder, `disk-${String(index).padStart(2, '0')}.txt`), filler(index));
    const uploads = Array.from({ length: 12 }, (_, index) => ({
      name: `upload-${String(index).padStart(2, '0')}.txt`,
      type: 'text/plain',
      content: filler(index),
    }));
    const id = await connectorWith(uploads, folder);
    const job = await sync(id);
    expect(job).toMatchObject({ status: 'succeeded', error: null });
    expect(job.progress).toMatchObject({ collected: 24, indexed: 24, failed: 0, skipped: 0, bytes: 24 * PAGE_FILLER_BYTES });
    // 1000 files fit one page by count; by bytes, six of them do: two pages of uploads, two of the folder.
    const row = await database.db.selectFrom('sync_jobs').select('page').where('id', '=', job.jobId).executeTakeFirstOrThrow();
    expect(row.page).toBe(4);
    expect(Object.keys(await storedContent(id))).toHaveLength(24);
  });
});

describe('preparing a page for storage', () => {
  it('replaces lone surrogates and strips NUL in content, title, url and metadata, and counts the document once', async () => {
    const prepared = await preparePage(
      {
        documents: [
          {
            externalId: 'issue-7',
            title: 'Title\u0000 with NUL',
            url: 'https://tracker.example/issue/7\u0000',
            body: 'Broken \ud800 surrogate and a NUL\u0000.',
            mimeType: 'text/plain',
            metadata: { reporter: 'ana\u0000', emoji: 'half \udc00' },
            updatedAt: null,
          },
        ],
        next: null,
      },
      limits,
    );
    expect(prepared.delta).toMatchObject({ collected: 1, parsed: 1, sanitized: 1, skipped: 0, failed: 0 });
    expect(prepared.documents).toEqual([
      expect.objectContaining({
        title: 'Title with NUL',
        url: 'https://tracker.example/issue/7',
        content: 'Broken \ufffd surrogate and a NUL.',
        metadata: { reporter: 'ana', emoji: 'half \ufffd' },
      }),
    ]);
  });

  it('skips a string body over the document limit without parsing it', async () => {
    const prepared = await preparePage(
      {
        documents: [{ externalId: 'page', title: null, url: null, body: '<p>'.repeat(30 * KiB), mimeType: 'text/html', metadata: {}, updatedAt: null }],
        next: null,
      },
      limits,
    );
    expect(prepared.documents).toEqual([]);
    expect(prepared.failures).toEqual([
      { externalId: 'page', stage: 'skip', error: '90 KiB is over the 64 KiB document limit (TRIBUTARY_MAX_DOCUMENT_BYTES)' },
    ]);
    expect(prepared.delta).toMatchObject({ collected: 1, parsed: 0, skipped: 1, failed: 0, bytes: 90 * KiB });
  });
});

interface UploadedFixture {
  name: string;
  type: string;
  content: string | Uint8Array<ArrayBuffer>;
}

/** Text of exactly PAGE_FILLER_BYTES, different per index so no two documents are the same. */
function filler(index: number): string {
  return `File ${index}. `.padEnd(PAGE_FILLER_BYTES, 'lorem ipsum ');
}
