import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestKey } from '../support/api.ts';
import { dialects } from '../support/databases.ts';
import { createWorkspace, startControlPlane, type ControlPlane } from '../support/control-plane.ts';

describe.each(dialects)('listing and revoking API keys on %s', (dialect) => {
  let plane: ControlPlane;
  let platformKey: string;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    platformKey = await createTestKey(plane.database.db, 'default');
  });
  afterAll(async () => plane?.close());

  const newWorkspace = (name: string) => createWorkspace(plane, platformKey, name);

  async function newKey(workspaceId: string, adminKey: string, role: 'admin' | 'editor' | 'viewer') {
    const response = await call(plane.app, 'POST', `/v1/workspaces/${workspaceId}/api-keys`, { key: adminKey, body: { name: `${role} key`, role } });
    expect(response.status).toBe(201);
    return response.body.data as { id: string; key: string };
  }

  const keyIds = async (workspaceId: string) =>
    (await plane.database.db.selectFrom('api_keys').select('id').where('workspace_id', '=', workspaceId).orderBy('id').execute()).map((row) => row.id);

  it('lists a workspace’s keys to its admins without the keys themselves', async () => {
    const { workspace, adminKey } = await newWorkspace('Listed');
    const editor = await newKey(workspace.id, adminKey.key, 'editor');
    const listed = await call(plane.app, 'GET', `/v1/workspaces/${workspace.id}/api-keys`, { key: adminKey.key });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([
      { id: adminKey.id, workspaceId: workspace.id, name: 'initial admin key', role: 'admin', createdAt: expect.any(String) },
      { id: editor.id, workspaceId: workspace.id, name: 'editor key', role: 'editor', createdAt: expect.any(String) },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(adminKey.key);
    expect(JSON.stringify(listed.body)).not.toContain(editor.key);
    expect((await call(plane.app, 'GET', `/v1/workspaces/${workspace.id}/api-keys`, { key: platformKey })).status).toBe(200);
  });

  it('revokes a key, which answers 401 from its next request on', async () => {
    const { workspace, adminKey } = await newWorkspace('Revoking');
    const editor = await newKey(workspace.id, adminKey.key, 'editor');
    expect((await call(plane.app, 'GET', '/v1/workspaces/me', { key: editor.key })).status).toBe(200);

    const revoked = await call(plane.app, 'DELETE', `/v1/workspaces/${workspace.id}/api-keys/${editor.id}`, { key: adminKey.key });
    expect(revoked).toEqual({ status: 204, body: undefined });
    const next = await call(plane.app, 'GET', '/v1/workspaces/me', { key: editor.key });
    expect(next.status).toBe(401);
    expect(next.body.error).toMatchObject({ code: 'unauthorized', message: 'Invalid API key' });
    expect(await keyIds(workspace.id)).toEqual([adminKey.id]);
    const again = await call(plane.app, 'DELETE', `/v1/workspaces/${workspace.id}/api-keys/${editor.id}`, { key: adminKey.key });
    expect(again.status).toBe(404);
    expect(again.body.error.message).toBe(`API key ${editor.id} not found in workspace ${workspace.id}`);
  });

  it('lets only the workspace’s admins (and platform admins) manage its keys', async () => {
    const { workspace, adminKey } = await newWorkspace('Guarded');
    const editor = await newKey(workspace.id, adminKey.key, 'editor');
    const viewer = await newKey(workspace.id, adminKey.key, 'viewer');
    const other = await newWorkspace('Other');
    const before = await keyIds(workspace.id);
    for (const key of [editor.key, viewer.key]) {
      const listed = await call(plane.app, 'GET', `/v1/workspaces/${workspace.id}/api-keys`, { key });
      expect(listed.status).toBe(403);
      expect(listed.body.error).toMatchObject({ code: 'forbidden', message: 'Only admins can manage API keys' });
      expect((await call(plane.app, 'DELETE', `/v1/workspaces/${workspace.id}/api-keys/${adminKey.id}`, { key })).status).toBe(403);
    }
    // Another workspace's admin: the workspace reads as absent.
    const foreign = await call(plane.app, 'DELETE', `/v1/workspaces/${workspace.id}/api-keys/${viewer.id}`, { key: other.adminKey.key });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toBe(`Workspace ${workspace.id} not found`);
    // A key id of another workspace is no key of this one.
    expect((await call(plane.app, 'DELETE', `/v1/workspaces/${workspace.id}/api-keys/${other.adminKey.id}`, { key: adminKey.key })).status).toBe(404);
    expect(await keyIds(workspace.id)).toEqual(before);
    expect(await keyIds(other.workspace.id)).toEqual([other.adminKey.id]);

    expect((await call(plane.app, 'DELETE', `/v1/workspaces/${workspace.id}/api-keys/${viewer.id}`, { key: platformKey })).status).toBe(204);
  });

  it('refuses to revoke the last admin key of a workspace, even when two revocations race', async () => {
    const { workspace, adminKey } = await newWorkspace('Last admin');
    const last = await call(plane.app, 'DELETE', `/v1/workspaces/${workspace.id}/api-keys/${adminKey.id}`, { key: adminKey.key });
    expect(last.status).toBe(409);
    expect(last.body.error).toMatchObject({
      code: 'conflict',
      message: `API key ${adminKey.id} is the last admin key of workspace ${workspace.id}; create another admin key before revoking it`,
    });
    expect((await call(plane.app, 'GET', '/v1/workspaces/me', { key: adminKey.key })).status).toBe(200);

    // With a second admin key, each revokes the other at once: one of them must stay.
    const second = await newKey(workspace.id, adminKey.key, 'admin');
    const [first, other] = await Promise.all([
      call(plane.app, 'DELETE', `/v1/workspaces/${workspace.id}/api-keys/${second.id}`, { key: adminKey.key }),
      call(plane.app, 'DELETE', `/v1/workspaces/${workspace.id}/api-keys/${adminKey.id}`, { key: second.key }),
    ]);
    // The loser is refused as the last admin, or, revoked first, as a key that no longer exists.
    const statuses = [first.status, other.status];
    expect(statuses.filter((status) => status === 204)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409 || status === 401)).toHaveLength(1);
    expect(await keyIds(workspace.id)).toHaveLength(1);
  });
});
