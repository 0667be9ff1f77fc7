import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.ts';
import { startControlPlane, waitForSync, type ControlPlane } from '../support/control-plane.ts';

describe.each(dialects)('syncing an upload connector on %s', (dialect) => {
  let plane: ControlPlane;
  let root: string;
  let folder: string;
  let outside: string;

  beforeAll(async () => {
    outside = mkdtempSync(path.join(tmpdir(), 'tributary-outside-'));
    mkdirSync(path.join(outside, 'etc'));
    writeFileSync(path.join(outside, 'secret.txt'), 'server secret that no tenant may read');
    writeFileSync(path.join(outside, 'etc', 'passwd'), 'root:x:0:0 server secret');
    root = mkdtempSync(path.join(tmpdir(), 'tributary-roots-'));
    folder = path.join(root, 'handbook');
    mkdirSync(path.join(folder, 'guides'), { recursive: true });
    writeFileSync(path.join(folder, 'guides', 'onboarding.md'), '# Onboarding\n\nWelcome aboard, **new colleague**.');
    writeFileSync(
      path.join(folder, 'index.html'),
      '<html><head><title>Handbook</title></head><body><h1>Handbook</h1><p>Vacation policy lives here.</p></body></html>',
    );
    writeFileSync(path.join(folder, 'teams.json'), JSON.stringify({ search: ['ana', 'bo'] }));
    writeFileSync(path.join(folder, 'broken.pdf'), 'this is not a pdf');
    plane = await startControlPlane(dialect, { directoryRoots: [root] });
  });
  afterAll(async () => {
    await plane?.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  async function upload(connectorId: string, files: Record<string, string>) {
    const form = new FormData();
    for (const [name, content] of Object.entries(files))
      form.append('file', new File([content], name, { type: name.endsWith('.md') ? 'text/markdown' : 'text/plain' }));
    const response = await plane.app.request(`/v1/connectors/${connectorId}/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${plane.key}` },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as { data: Array<{ path: string }> } };
  }

  async function sync(connectorId: string, mode?: 'full' | 'incremental') {
    const started = await plane.request('POST', `/v1/connectors/${connectorId}/sync`, mode ? { body: { mode } } : {});
    expect(started.status).toBe(202);
    expect(started.body.data).toMatchObject({ status: 'queued', jobId: expect.stringMatching(/^job_/) });
    return waitForSync(plane, connectorId, started.body.data.jobId);
  }

  it('syncs uploaded files and a server folder, parsing each format and counting failures', async () => {
    const created = await plane.request('POST', '/v1/connectors', { body: { name: 'Handbook', type: 'upload', config: { directory: folder } } });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    const uploaded = await upload(id, {
      'notes/standup.md': '## Standup\n\n- shipped the *search* page',
      'faq.txt': 'Where is the vacation policy? In the handbook.',
    });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.data.map((file: { path: string }) => file.path).sort()).toEqual(['faq.txt', 'notes/standup.md']);

    const job = await sync(id);
    expect(job).toMatchObject({ status: 'succeeded', mode: 'full', trigger: 'manual', phase: 'done' });
    expect(job.progress).toMatchObject({ collected: 6, parsed: 5, failed: 1, indexed: 5, unchanged: 0, deleted: 0, total: 6, percent: 100 });
    expect(job.progress.bytes).toBeGreaterThan(100);

    const documents = await plane.request('GET', `/v1/collections/${id}/documents?limit=50`);
    const byId = Object.fromEntries(documents.body.data.map((document: { externalId: string }) => [document.externalId, document]));
    expect(Object.keys(byId).sort()).toEqual(['guides/onboarding.md', 'index.html', 'teams.json', 'uploads/faq.txt', 'uploads/notes/standup.md']);
    expect(byId['index.html']).toMatchObject({ title: 'Handbook', mimeType: 'text/html' });
    expect(byId['index.html'].content).toContain('Vacation policy lives here.');
    expect(byId['index.html'].content).not.toContain('<p>');
    expect(byId['guides/onboarding.md'].content).toContain('Welcome aboard, new colleague.');
    expect(byId['uploads/notes/standup.md'].content).not.toContain('*');

    const single = await plane.request('GET', `/v1/documents/${byId['teams.json'].id}`);
    expect(JSON.parse(single.body.data.content)).toEqual({ search: ['ana', 'bo'] });

    const search = await plane.request('GET', `/v1/collections/${id}/documents?q=vacation policy`);
    expect(search.body.data.map((document: { externalId: string }) => document.externalId).sort()).toEqual(['index.html', 'uploads/faq.txt']);
    const none = await plane.request('GET', `/v1/collections/${id}/documents?q=zeppelin`);
    expect(none.body.data).toEqual([]);
    const punctuation = await plane.request('GET', `/v1/collections/${id}/documents?q=${encodeURIComponent('"vacation" OR (')}`);
    expect(punctuation.status).toBe(200);

    // A second incremental sync reads nothing: every file is older than the last successful sync.
    const again = await sync(id);
    expect(again).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    expect(again.progress).toMatchObject({ collected: 0, parsed: 0, indexed: 0, unchanged: 0, deleted: 0, failed: 0, bytes: 0 });

    // Only files modified since are read: one changed, one touched (its new modification time is a change a reader sees).
    const later = new Date(Date.now() + 5000);
    writeFileSync(path.join(folder, 'guides', 'onboarding.md'), '# Onboarding\n\nWelcome aboard, updated.');
    utimesSync(path.join(folder, 'guides', 'onboarding.md'), later, later);
    utimesSync(path.join(folder, 'index.html'), later, later);
    rmSync(path.join(folder, 'teams.json'));
    const incremental = await sync(id);
    expect(incremental).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    expect(incremental.progress).toMatchObject({ collected: 2, parsed: 2, indexed: 2, unchanged: 0, deleted: 0, failed: 0 });
    const updated = await plane.request('GET', `/v1/collections/${id}/documents?q=updated`);
    expect(updated.body.data.map((document: { externalId: string }) => document.externalId)).toEqual(['guides/onboarding.md']);

    // A full sync reads everything again and removes what the folder no longer has.
    const changed = await sync(id, 'full');
    expect(changed).toMatchObject({ status: 'succeeded', mode: 'full' });
    expect(changed.progress).toMatchObject({ collected: 5, indexed: 0, unchanged: 4, deleted: 1, failed: 1 });
    const after = await plane.request('GET', `/v1/collections/${id}/documents`);
    expect(after.body.data.map((document: { externalId: string }) => document.externalId)).not.toContain('teams.json');

    const history = await plane.request('GET', `/v1/connectors/${id}/syncs`);
    expect(history.body.data.map((entry: { status: string }) => entry.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
  });

  it('refuses a second sync while one is active, naming the active job', async () => {
    const created = await plane.request('POST', '/v1/connectors', { body: { name: 'Busy', type: 'upload', config: {} } });
    const id = created.body.data.id;
    // A job of another process is active: the database refuses a second one.
    await plane.database.db
      .insertInto('sync_jobs')
      .values({
        id: 'job_active_elsewhere',
        workspace_id: plane.workspaceId,
        connector_id: id,
        mode: 'full',
        trigger: 'schedule',
        status: 'running',
        phase: 'reading',
        created_at: new Date().toISOString(),
        started_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .execute();
    const refused = await plane.request('POST', `/v1/connectors/${id}/sync`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.jobId).toBe('job_active_elsewhere');
    const jobs = await plane.database.db.selectFrom('sync_jobs').select('id').where('connector_id', '=', id).execute();
    expect(jobs).toHaveLength(1);
  });

  it('refuses uploads that are not files of an upload connector, and unsafe names', async () => {
    const web = await plane.request('POST', '/v1/connectors', { body: { name: 'Web', type: 'web_scraper', config: { url: 'https://example.com/' } } });
    expect((await upload(web.body.data.id, { 'a.txt': 'x' })).status).toBe(400);
    const files = await plane.request('POST', '/v1/connectors', { body: { name: 'Files', type: 'upload', config: {} } });
    const unsafe = await upload(files.body.data.id, { '../../etc/passwd': 'x' });
    expect(unsafe.status).toBe(400);
    const json = await plane.request('POST', `/v1/connectors/${files.body.data.id}/files`, { body: { file: 'x' } });
    expect(json.status).toBe(400);
    expect(await plane.database.db.selectFrom('uploaded_files').select('id').where('connector_id', '=', files.body.data.id).execute()).toEqual([]);
  });

  it('answers 413 to an upload over 50 MiB and stores nothing', async () => {
    const created = await plane.request('POST', '/v1/connectors', { body: { name: 'Too big', type: 'upload', config: {} } });
    const id = created.body.data.id;
    const tooBig = await upload(id, { 'big.txt': 'x'.repeat(50 * 1024 * 1024 + 1024) });
    expect(tooBig.status).toBe(413);
    expect(await plane.database.db.selectFrom('uploaded_files').select('id').where('connector_id', '=', id).execute()).toEqual([]);
  });

  it('replaces a file uploaded again under the same path', async () => {
    const created = await plane.request('POST', '/v1/connectors', { body: { name: 'Replaced', type: 'upload', config: {} } });
    const id = created.body.data.id;
    expect((await upload(id, { 'policy.txt': 'Remote work is allowed on Fridays.' })).status).toBe(201);
    expect((await sync(id)).progress).toMatchObject({ collected: 1, indexed: 1 });
    expect((await upload(id, { 'policy.txt': 'Remote work is allowed every day.' })).status).toBe(201);
    expect(await plane.database.db.selectFrom('uploaded_files').select('path').where('connector_id', '=', id).execute()).toEqual([{ path: 'policy.txt' }]);
    expect((await sync(id)).progress).toMatchObject({ collected: 1, indexed: 1, deleted: 0 });
    const documents = await plane.request('GET', `/v1/collections/${id}/documents`);
    expect(documents.body.data).toHaveLength(1);
    expect(documents.body.data[0]).toMatchObject({ externalId: 'uploads/policy.txt', content: 'Remote work is allowed every day.' });
  });

  it('does not follow symbolic links that leave the allowed folders', async () => {
    const linked = path.join(root, 'linked');
    mkdirSync(linked);
    writeFileSync(path.join(linked, 'inside.txt'), 'A file inside the allowed folder.');
    symlinkSync(path.join(outside, 'secret.txt'), path.join(linked, 'leak.txt'));
    symlinkSync(path.join(outside, 'etc'), path.join(linked, 'etc'), 'dir');
    const created = await plane.request('POST', '/v1/connectors', { body: { name: 'Linked', type: 'upload', config: { directory: linked } } });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    const job = await sync(id);
    expect(job).toMatchObject({ status: 'succeeded', progress: { collected: 1, indexed: 1, failed: 0, total: 1 } });
    const documents = await plane.request('GET', `/v1/collections/${id}/documents`);
    expect(documents.body.data.map((document: { externalId: string }) => document.externalId)).toEqual(['inside.txt']);
    const leaked = await plane.request('GET', `/v1/collections/${id}/documents?q=secret`);
    expect(leaked.body.data).toEqual([]);
  });
});
