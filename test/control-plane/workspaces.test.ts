import { operationsOf } from '../support/fuzz-requests.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { dialects } from '../support/databases.ts';
import { createWorkspace, eventually, startControlPlane, uniqueId, type ControlPlane } from '../support/control-plane.ts';

describe.each(dialects)('workspaces and API keys on %s', (dialect) => {
  let plane: ControlPlane;
  let platformKey: string;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    const { createTestKey } = await import('../support/api.ts');
    platformKey = await createTestKey(plane.database.db, 'default');
  });
  afterAll(async () => plane?.close());

  const newWorkspace = (name: string) => createWorkspace(plane, platformKey, name);

  it('creates a workspace with an admin key shown once and stored hashed', async () => {
    const created = await newWorkspace('Search team');
    expect(created.adminKey.key).toMatch(/^trb_/);
    const stored = await plane.database.db.selectFrom('api_keys').selectAll().where('id', '=', created.adminKey.id).executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(created.adminKey.key);
    expect(JSON.stringify(stored)).not.toContain(created.adminKey.key);

    const me = await call(plane.app, 'GET', '/v1/workspaces/me', { key: created.adminKey.key });
    expect(me.body.data).toMatchObject({ workspace: { id: created.workspace.id, name: 'Search team' }, apiKey: { role: 'admin' } });
    expect(JSON.stringify(me.body)).not.toContain(created.adminKey.key);
  });

  it('gives each role what it may do', async () => {
    const { workspace, adminKey } = await newWorkspace('Roles');
    const keys: Record<string, string> = {};
    for (const role of ['editor', 'viewer'] as const) {
      const response = await call(plane.app, 'POST', `/v1/workspaces/${workspace.id}/api-keys`, { key: adminKey.key, body: { name: role, role } });
      expect(response.status).toBe(201);
      keys[role] = response.body.data.key;
    }
    const body = { name: 'Docs', type: 'upload', config: {} };
    expect((await call(plane.app, 'POST', '/v1/connectors', { key: keys.viewer, body })).status).toBe(403);
    const byEditor = await call(plane.app, 'POST', '/v1/connectors', { key: keys.editor, body });
    expect(byEditor.status).toBe(201);
    expect((await call(plane.app, 'GET', `/v1/connectors/${byEditor.body.data.id}`, { key: keys.viewer })).status).toBe(200);
    for (const method of ['PATCH', 'DELETE'] as const) {
      const refused = await call(plane.app, method, `/v1/connectors/${byEditor.body.data.id}`, { key: keys.viewer, body: { name: 'x' } });
      expect(refused.status).toBe(403);
    }
    expect((await call(plane.app, 'POST', `/v1/workspaces/${workspace.id}/api-keys`, { key: keys.editor, body: { name: 'x', role: 'admin' } })).status).toBe(
      403,
    );
    expect((await call(plane.app, 'POST', '/v1/workspaces', { key: adminKey.key, body: { name: 'nested' } })).status).toBe(403);
    const badRole = await call(plane.app, 'POST', `/v1/workspaces/${workspace.id}/api-keys`, { key: adminKey.key, body: { name: 'x', role: 'owner' } });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.details.issues[0].path).toEqual(['role']);
  });

  /** An upload connector of the key's workspace with one file, synced: its document and job are real. */
  async function syncedUpload(key: string) {
    const created = await call(plane.app, 'POST', '/v1/connectors', { key, body: { name: 'Uploads', type: 'upload', config: {} } });
    expect(created.status).toBe(201);
    const connectorId = created.body.data.id as string;
    const form = new FormData();
    form.append('file', new File(['Quarterly plan, private to the first workspace.'], 'plan.txt', { type: 'text/plain' }));
    const uploaded = await plane.app.request(`/v1/connectors/${connectorId}/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const started = await call(plane.app, 'POST', `/v1/connectors/${connectorId}/sync`, { key });
    expect(started.status).toBe(202);
    const jobId = started.body.data.jobId as string;
    await eventually(async () => {
      const job = await call(plane.app, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}`, { key });
      expect(job.body.data.status).toBe('succeeded');
    }, 60_000);
    const documents = await call(plane.app, 'GET', `/v1/collections/${connectorId}/documents`, { key });
    expect(documents.body.data).toHaveLength(1);
    return { connectorId, jobId, documentId: documents.body.data[0].id as string };
  }

  it('keeps connector ids per workspace: the same id in two workspaces is two connectors, each syncing its own files', async () => {
    const [first, second] = [await newWorkspace('Ids one'), await newWorkspace('Ids two')];
    const id = uniqueId('handbook');
    const created = [];
    for (const [owner, name] of [
      [first, 'Handbook one'],
      [second, 'Handbook two'],
    ] as const) {
      const response = await call(plane.app, 'POST', '/v1/connectors', { key: owner.adminKey.key, body: { id, name, type: 'upload', config: {} } });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      created.push(response.body.data);
    }
    expect(created.map((connector) => [connector.id, connector.collection, connector.name])).toEqual([
      [id, id, 'Handbook one'],
      [id, id, 'Handbook two'],
    ]);
    const again = await call(plane.app, 'POST', '/v1/connectors', { key: first.adminKey.key, body: { id, name: 'Again', type: 'upload', config: {} } });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(`A connector with id ${id} already exists`);
    expect(
      (await call(plane.app, 'PUT', `/v1/connectors/${id}`, { key: second.adminKey.key, body: { name: 'Handbook two', type: 'upload', config: {} } })).status,
    ).toBe(200);

    // Each syncs its own file into its own collection of the same name.
    for (const [owner, text] of [
      [first, 'Travel policy of the first team.'],
      [second, 'Expense policy of the second team.'],
    ] as const) {
      const form = new FormData();
      form.append('file', new File([text], 'policy.txt', { type: 'text/plain' }));
      const uploaded = await plane.app.request(`/v1/connectors/${id}/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.adminKey.key}` },
        body: form,
      });
      expect(uploaded.status).toBe(201);
      const started = await call(plane.app, 'POST', `/v1/connectors/${id}/sync`, { key: owner.adminKey.key });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      await eventually(async () => {
        const job = await call(plane.app, 'GET', `/v1/connectors/${id}/sync/${started.body.data.jobId}`, { key: owner.adminKey.key });
        expect(job.body.data).toMatchObject({ status: 'succeeded', connectorId: id });
      }, 60_000);
    }
    const contents = async (key: string) => {
      const listed = await call(plane.app, 'GET', `/v1/collections/${id}/documents?connectorId=${id}`, { key });
      expect(listed.status).toBe(200);
      const ids = listed.body.data.map((document: { id: string; connectorId: string }) => [document.connectorId, document.id]);
      const texts = await Promise.all(
        ids.map(async ([, documentId]: string[]) => (await call(plane.app, 'GET', `/v1/documents/${documentId}`, { key })).body.data.content),
      );
      return { connectorIds: ids.map(([connectorId]: string[]) => connectorId), texts };
    };
    expect(await contents(first.adminKey.key)).toEqual({ connectorIds: [id], texts: ['Travel policy of the first team.'] });
    expect(await contents(second.adminKey.key)).toEqual({ connectorIds: [id], texts: ['Expense policy of the second team.'] });

    // Deleting one leaves the other whole.
    expect((await call(plane.app, 'DELETE', `/v1/connectors/${id}`, { key: first.adminKey.key })).body.data).toMatchObject({ id, state: 'deleting' });
    await eventually(async () => expect((await call(plane.app, 'GET', `/v1/connectors/${id}`, { key: first.adminKey.key })).status).toBe(404));
    expect((await call(plane.app, 'GET', `/v1/connectors/${id}`, { key: second.adminKey.key })).body.data).toMatchObject({ id, name: 'Handbook two' });
    expect(await contents(second.adminKey.key)).toEqual({ connectorIds: [id], texts: ['Expense policy of the second team.'] });
  });

  it('shows nothing of one workspace to another, on every route', async () => {
    const first = await newWorkspace('First');
    const second = await newWorkspace('Second');
    const asFirst = (method: string, path: string, body?: unknown) => call(plane.app, method, path, { key: first.adminKey.key, ...(body ? { body } : {}) });
    const asSecond = (method: string, path: string, body?: unknown) => call(plane.app, method, path, { key: second.adminKey.key, ...(body ? { body } : {}) });

    const connectorId = uniqueId('private');
    const connector = await asFirst('PUT', `/v1/connectors/${connectorId}`, {
      name: 'Private drive',
      type: 'google_drive',
      config: { rootFileId: '1AbCdEfGhIjKlMnOp' },
      credentials: { kind: 'oauth2', clientId: 'id', clientSecret: 'secret' },
    });
    expect(connector.status).toBe(201);
    const credentialId = connector.body.data.credentialId as string;
    const ownCredential = await asSecond('POST', '/v1/credentials', {
      name: 'mine',
      type: 'google_drive',
      kind: 'oauth2',
      secret: { clientId: 'a', clientSecret: 'b' },
    });
    // Real objects of the first workspace: a synced document in a collection, and the job that synced it.
    const synced = await syncedUpload(first.adminKey.key);
    expect((await asFirst('GET', `/v1/documents/${synced.documentId}`)).status).toBe(200);
    expect((await asFirst('GET', `/v1/connectors/${synced.connectorId}/sync/${synced.jobId}`)).status).toBe(200);
    const before = (await asFirst('GET', `/v1/connectors/${connectorId}`)).body.data;

    // Every documented route that takes an id, called by the other workspace with the first one's ids.
    const document = (await call(plane.app, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, any>> };
    const attempts: string[] = [];
    // The seed systems' APIs answer in their own styles and schemes, over the same use cases; their own files test their scoping.
    const tributaryOperations = operationsOf(document).filter((operation) => !operation.foreignErrors);
    for (const path of new Set(tributaryOperations.map((operation) => operation.path))) {
      if (!path.includes('{') || path.endsWith('/callback')) continue;
      for (const method of tributaryOperations.filter((operation) => operation.path === path).map((operation) => operation.method.toLowerCase())) {
        const concrete = path
          .replace('/v1/credentials/{id}', `/v1/credentials/${credentialId}`)
          .replace('/v1/documents/{id}', `/v1/documents/${synced.documentId}`)
          .replace('{id}/sync/{jobId}', `${synced.connectorId}/sync/${synced.jobId}`)
          .replace('{id}', path.startsWith('/v1/workspaces') ? first.workspace.id : connectorId)
          .replace('{credentialId}', ownCredential.body.data.id)
          .replace('{type}', 'google_drive')
          .replace('{collection}', synced.connectorId);
        const query: Record<string, string> = { authorize: `?connectorId=${connectorId}`, files: method === 'delete' ? '?path=report.txt' : '' };
        const url = concrete + (query[concrete.split('/').at(-1) ?? ''] ?? '');
        const bodies: Record<string, unknown> = {
          patch: { name: 'taken over' },
          put: { name: 'taken over', type: 'google_drive', config: { rootFileId: '1AbCdEfGhIjKlMnOp' } },
          post: url.includes('api-keys') ? { name: 'x', role: 'admin' } : undefined,
        };
        const body = url.includes('/credential/') ? undefined : bodies[method];
        // Ids are unique per workspace: a PUT of the same id creates the other workspace's own connector (below).
        if (method === 'put' && path === '/v1/connectors/{id}') continue;
        const response = await asSecond(method.toUpperCase(), url, body);
        attempts.push(`${method} ${url} -> ${response.status}`);
        expect(response.status, `${method} ${url}`).toBe(404);
      }
    }
    expect(attempts.length).toBeGreaterThanOrEqual(11);
    // The same id in the other workspace is that workspace's own connector, and says nothing of the first's.
    const own = await asSecond('PUT', `/v1/connectors/${connectorId}`, {
      name: 'taken over',
      type: 'google_drive',
      config: { rootFileId: '1AbCdEfGhIjKlMnOp' },
    });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.data).toMatchObject({ id: connectorId, workspaceId: second.workspace.id, name: 'taken over' });
    expect(attempts.filter((attempt) => attempt.includes(synced.jobId)).length).toBeGreaterThanOrEqual(3);
    expect(attempts.some((attempt) => attempt.includes(synced.documentId))).toBe(true);
    // And the first workspace's credential cannot be bound to the second one's connector.
    const theirs = await asSecond('POST', '/v1/connectors', { name: 'Mine', type: 'google_drive', config: { rootFileId: '1AbCdEfGhIjKlMnOp' } });
    expect((await asSecond('PUT', `/v1/connectors/${theirs.body.data.id}/credential/${credentialId}`)).status).toBe(404);
    expect(
      (await asSecond('POST', '/v1/connectors', { name: 'x', type: 'google_drive', config: { rootFileId: '1AbCdEfGhIjKlMnOp' }, credentialId })).status,
    ).toBe(400);

    const lists = [await asSecond('GET', '/v1/connectors'), await asSecond('GET', '/v1/credentials')];
    for (const list of lists) expect(JSON.stringify(list.body)).not.toContain(first.workspace.id);
    expect(lists[0]?.body.data.filter((item: { id: string }) => item.id === connectorId)).toEqual([expect.objectContaining({ name: 'taken over' })]);
    expect((await asSecond('GET', `/v1/collections/${synced.connectorId}/documents?connectorId=${synced.connectorId}`)).status).toBe(404);
    expect(JSON.stringify(lists[1]?.body)).not.toContain(credentialId);
    expect((await asFirst('GET', `/v1/connectors/${connectorId}`)).body.data).toEqual(before);
    expect((await asFirst('GET', `/v1/credentials/${credentialId}`)).status).toBe(200);
  });
});
