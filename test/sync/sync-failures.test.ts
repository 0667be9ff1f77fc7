import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.ts';
import { startControlPlane, waitForSync, type ControlPlane } from '../support/control-plane.ts';
import { startLocalServer, type LocalServer } from '../support/http-server.ts';

describe.each(dialects)('sync failures on %s', (dialect) => {
  let plane: ControlPlane;
  let root: string;
  let site: LocalServer;
  let startPage: 'ok' | 'gone' | 'leaves' = 'ok';

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'tributary-failures-'));
    plane = await startControlPlane(dialect, { directoryRoots: [root] });
    site = await startLocalServer((request, response) => {
      if (request.path === '/leave' || (request.path === '/' && startPage === 'leaves')) {
        response.writeHead(302, { location: 'http://10.20.30.40/inside' });
        return response.end();
      }
      if (request.path === '/' && startPage === 'ok') {
        response.writeHead(200, { 'content-type': 'text/html' });
        return response.end('<html><body>Start <a href="/leave">leave</a></body></html>');
      }
      response.writeHead(404, { 'content-type': 'text/plain' });
      return response.end('gone');
    });
  });
  afterAll(async () => {
    await plane?.close();
    await site?.close();
    rmSync(root, { recursive: true, force: true });
  });

  function folderWith(files: Record<string, string>): string {
    const folder = mkdtempSync(path.join(root, 'docs-'));
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(folder, name), content);
    return folder;
  }

  async function syncOf(config: Record<string, unknown>, type = 'upload') {
    const created = await plane.request('POST', '/v1/connectors', { body: { name: `Failures ${type}`, type, config } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.data.id;
    const started = await plane.request('POST', `/v1/connectors/${id}/sync`, {});
    return { id, job: await waitForSync(plane, id, started.body.data.jobId, 90_000) };
  }

  it('records each failed item with its stage and reason, and pages through them', async () => {
    const { id, job } = await syncOf({ directory: folderWith({ 'good.txt': 'fine', 'broken-1.pdf': 'not a pdf', 'broken-2.pdf': 'nor this' }) });
    expect(job).toMatchObject({ status: 'succeeded', progress: { collected: 3, indexed: 1, failed: 2 } });
    const first = await plane.request('GET', `/v1/connectors/${id}/sync/${job.jobId}/failures?limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([{ externalId: 'broken-1.pdf', stage: 'parse', error: expect.any(String), at: expect.any(String) }]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await plane.request('GET', `/v1/connectors/${id}/sync/${job.jobId}/failures?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((failure: { externalId: string }) => failure.externalId)).toEqual(['broken-2.pdf']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers 404 for the failures of a job that is not there, and 400 for a cursor it did not issue', async () => {
    const { id, job } = await syncOf({ directory: folderWith({ 'a.txt': 'a' }) });
    expect((await plane.request('GET', `/v1/connectors/${id}/sync/job_missing/failures`)).status).toBe(404);
    const bad = await plane.request('GET', `/v1/connectors/${id}/sync/${job.jobId}/failures?cursor=nonsense`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('cursor is not one this API returned') });
    // Well-formed cursors that name no position of this job: not a number (PostgreSQL answered 500), negative, another job's.
    for (const [position, jobId] of [
      ['\u0000', job.jobId],
      ['-1', job.jobId],
      ['1', 'job_other'],
    ]) {
      const cursor = Buffer.from(JSON.stringify([position, jobId])).toString('base64url');
      const refused = await plane.request('GET', `/v1/connectors/${id}/sync/${job.jobId}/failures?cursor=${cursor}`);
      expect(refused.status, position).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'invalid_request', details: { issues: [expect.objectContaining({ path: ['cursor'] })] } });
    }
  });

  it('fails a job whose every item failed, naming the first', async () => {
    const { job } = await syncOf({ directory: folderWith({ 'only.pdf': 'not a pdf either' }) });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^All 1 items failed; the first, only\.pdf, at parse: /);
  });

  it('fails a crawl whose start URL answers 404, and removes nothing it stored before', async () => {
    startPage = 'ok';
    const { id, job } = await syncOf({ url: `${site.url}/`, extractionType: 'all', delayMs: 0 }, 'web_scraper');
    expect(job.status).toBe('succeeded');
    const failures = await plane.request('GET', `/v1/connectors/${id}/sync/${job.jobId}/failures`);
    expect(failures.body.data).toEqual([
      expect.objectContaining({ externalId: `${site.url}/leave`, stage: 'read', error: expect.stringContaining('10.20.30.40') }),
    ]);

    startPage = 'gone';
    const started = await plane.request('POST', `/v1/connectors/${id}/sync`, { body: { mode: 'full' } });
    const second = await waitForSync(plane, id, started.body.data.jobId);
    expect(second.status).toBe('failed');
    expect(second.error).toContain(`The start URL ${site.url}/ could not be read: 404`);
    const stored = await plane.request('GET', `/v1/collections/${id}/documents`);
    expect(stored.body.data.map((document: { externalId: string }) => document.externalId)).toEqual([`${site.url}/`]);
  });

  it('fails a crawl whose start URL the address policy refuses', async () => {
    startPage = 'ok';
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Moves away', type: 'web_scraper', config: { url: `${site.url}/`, extractionType: 'single' } },
    });
    expect(created.body.data.state).toBe('connected');
    startPage = 'leaves';
    const started = await plane.request('POST', `/v1/connectors/${created.body.data.id}/sync`, {});
    const job = await waitForSync(plane, created.body.data.id, started.body.data.jobId);
    expect(job.status).toBe('failed');
    expect(job.error).toContain('10.20.30.40 is a private or local address');
  });
});
