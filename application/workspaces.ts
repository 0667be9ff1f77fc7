import type { ApiKeyRow } from '../db/schema.ts';
import { DEFAULT_WORKSPACE_ID, ensureWorkspace, findApiKey, findWorkspace, insertApiKey } from '../db/repositories/workspaces.ts';
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

/** A new key of a workspace, shown once; its admins or platform admins only. */
export async function createApiKey(deps: AppDependencies, principal: Principal, workspaceId: string, body: { name: string; role: ApiKeyRole }) {
  const mayManage = isPlatformAdmin(principal) || (principal.workspaceId === workspaceId && principal.role === 'admin');
  // Another workspace's id reads as absent, never as forbidden.
  if (principal.workspaceId !== workspaceId && !isPlatformAdmin(principal)) throw new AppError('not_found', `Workspace ${workspaceId} not found`);
  if (!mayManage) throw new AppError('forbidden', 'Only admins can create API keys');
  if (!(await findWorkspace(deps.db, workspaceId))) throw new AppError('not_found', `Workspace ${workspaceId} not found`);
  return issueKey(deps, workspaceId, body.name, body.role);
}
