import type { ApiKeyRow } from '../db/schema.ts';
import {
  countWorkspaceAdminKeys,
  DEFAULT_WORKSPACE_ID,
  deleteApiKey,
  ensureWorkspace,
  findApiKey,
  findWorkspace,
  insertApiKey,
  listWorkspaceApiKeys,
  lockWorkspace,
} from '../db/repositories/workspaces.ts';
import { generateApiKey, hashApiKey, type ApiKeyRole } from '../domain/api-keys.ts';
import { newId } from '../domain/ids.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';
import type { Principal } from './principal.ts';

function isPlatformAdmin(principal: Principal): boolean {
  return principal.role === 'admin' && principal.workspaceId === DEFAULT_WORKSPACE_ID;
}

function presentKey(row: Pick<ApiKeyRow, 'id' | 'workspace_id' | 'name' | 'role' | 'created_at'>) {
  return { id: row.id, workspaceId: row.workspace_id, name: row.name, role: row.role as ApiKeyRole, createdAt: row.created_at };
}

async function issueKey(deps: AppDependencies, workspaceId: string, name: string, role: ApiKeyRole) {
  const key = generateApiKey();
  const row = { id: newId('key'), workspace_id: workspaceId, name, role, key_hash: hashApiKey(key), created_at: deps.now().toISOString() };
  await insertApiKey(deps.db, row);
  return { ...presentKey(row), key };
}

/** The caller's workspace and key (`GET /v1/workspaces/me`). */
export async function describeCaller(deps: AppDependencies, principal: Principal) {
  const [workspace, key] = await Promise.all([findWorkspace(deps.db, principal.workspaceId), findApiKey(deps.db, principal.keyId)]);
  if (!workspace || !key) throw new AppError('unauthorized', 'The API key no longer exists');
  return { workspace: { id: workspace.id, name: workspace.name, createdAt: workspace.created_at }, apiKey: presentKey(key) };
}

/** A new workspace and its first admin key, shown once; platform admins only. */
export async function createWorkspaceWithAdminKey(deps: AppDependencies, principal: Principal, body: { id?: string | undefined; name: string }) {
  if (!isPlatformAdmin(principal)) throw new AppError('forbidden', 'Only admin keys of the default workspace can create workspaces');
  const id = body.id ?? newId('ws');
  if (await findWorkspace(deps.db, id)) throw new AppError('conflict', `Workspace ${id} already exists`);
  const now = deps.now();
  await ensureWorkspace(deps.db, id, body.name, now);
  const adminKey = await issueKey(deps, id, 'initial admin key', 'admin');
  return { workspace: { id, name: body.name, createdAt: now.toISOString() }, adminKey };
}

/** Keys of a workspace are managed by its admins, or by platform admins; another workspace reads as absent. */
async function requireKeyManager(deps: AppDependencies, principal: Principal, workspaceId: string): Promise<void> {
  if (principal.workspaceId !== workspaceId && !isPlatformAdmin(principal)) throw new AppError('not_found', `Workspace ${workspaceId} not found`);
  if (principal.role !== 'admin') throw new AppError('forbidden', 'Only admins can manage API keys');
  if (!(await findWorkspace(deps.db, workspaceId))) throw new AppError('not_found', `Workspace ${workspaceId} not found`);
}

/** A new key of a workspace, shown once. */
export async function createApiKey(deps: AppDependencies, principal: Principal, workspaceId: string, body: { name: string; role: ApiKeyRole }) {
  await requireKeyManager(deps, principal, workspaceId);
  return issueKey(deps, workspaceId, body.name, body.role);
}

/** The keys of a workspace, without the keys themselves (only their hashes are stored). */
export async function listApiKeys(deps: AppDependencies, principal: Principal, workspaceId: string) {
  await requireKeyManager(deps, principal, workspaceId);
  return (await listWorkspaceApiKeys(deps.db, workspaceId)).map(presentKey);
}

/**
 * Revokes a key: its next request answers 401. A workspace always keeps one admin key, so revoking
 * the last one is a 409 and nobody is locked out of it.
 */
export async function revokeApiKey(deps: AppDependencies, principal: Principal, workspaceId: string, keyId: string): Promise<void> {
  await requireKeyManager(deps, principal, workspaceId);
  await deps.db.transaction().execute(async (trx) => {
    // Two revocations of the last two admin keys must not each see the other still there.
    await lockWorkspace(trx, workspaceId);
    const key = await findApiKey(trx, keyId);
    if (key?.workspace_id !== workspaceId) throw new AppError('not_found', `API key ${keyId} not found in workspace ${workspaceId}`);
    if (key.role === 'admin' && (await countWorkspaceAdminKeys(trx, workspaceId)) <= 1) {
      throw new AppError('conflict', `API key ${keyId} is the last admin key of workspace ${workspaceId}; create another admin key before revoking it`);
    }
    await deleteApiKey(trx, workspaceId, keyId);
  });
}
