import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiKeyRow } from '../../db/schema.ts';
import { DEFAULT_WORKSPACE_ID, ensureWorkspace, findApiKey, findWorkspace, insertApiKey } from '../../db/repositories/workspaces.ts';
import { generateApiKey, hashApiKey, type ApiKeyRole } from '../../domain/api-keys.ts';
import { newId } from '../../domain/ids.ts';
import { apiKeySchema, createApiKeyBodySchema, createdApiKeySchema, createWorkspaceBodySchema, workspaceSchema } from '../../domain/workspace.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv, Principal } from '../principal.ts';

const createWorkspace = createRoute({
  method: 'post',
  path: '/v1/workspaces',
  tags: ['Workspaces'],
  summary: 'Create a workspace (platform admins: admin keys of the default workspace)',
  description: 'Answers the workspace and its first admin key, shown this once.',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: createWorkspaceBodySchema } } } },
  responses: {
    201: {
      description: 'Created',
      content: { 'application/json': { schema: dataEnvelope(z.object({ workspace: workspaceSchema, adminKey: createdApiKeySchema })) } },
    },
    ...errorResponses(400, 401, 403, 409, 503),
  },
});

const createKey = createRoute({
  method: 'post',
  path: '/v1/workspaces/{id}/api-keys',
  tags: ['Workspaces'],
  summary: 'Create an API key of a workspace',
  description: 'Admins of the workspace (or platform admins) only. The key is shown once and stored hashed.',
  security: bearerSecurity,
  request: { params: z.object({ id: z.string() }), body: { required: true, content: { 'application/json': { schema: createApiKeyBodySchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: dataEnvelope(createdApiKeySchema) } } },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

const me = createRoute({
  method: 'get',
  path: '/v1/workspaces/me',
  tags: ['Workspaces'],
  summary: 'The workspace and key of the caller',
  security: bearerSecurity,
  responses: {
    200: { description: 'Who you are', content: { 'application/json': { schema: dataEnvelope(z.object({ workspace: workspaceSchema, apiKey: apiKeySchema })) } } },
    ...errorResponses(401),
  },
});

function isPlatformAdmin(principal: Principal): boolean {
  return principal.role === 'admin' && principal.workspaceId === DEFAULT_WORKSPACE_ID;
}

function presentKey(row: Pick<ApiKeyRow, 'id' | 'workspace_id' | 'name' | 'role' | 'created_at'>) {
  return { id: row.id, workspaceId: row.workspace_id, name: row.name, role: row.role as ApiKeyRole, createdAt: row.created_at };
}

async function issueKey(deps: ApiDependencies, workspaceId: string, name: string, role: ApiKeyRole) {
  const key = generateApiKey();
  const row = { id: newId('key'), workspace_id: workspaceId, name, role, key_hash: hashApiKey(key), created_at: deps.now().toISOString() };
  await insertApiKey(deps.db, row);
  return { ...presentKey(row), key };
}

export function registerWorkspaces(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(me, async (c) => {
    const principal = c.get('principal');
    const [workspace, key] = await Promise.all([findWorkspace(deps.db, principal.workspaceId), findApiKey(deps.db, principal.keyId)]);
    if (!workspace || !key) throw new ApiError(401, 'unauthorized', 'The API key no longer exists');
    return c.json({ data: { workspace: { id: workspace.id, name: workspace.name, createdAt: workspace.created_at }, apiKey: presentKey(key) } }, 200);
  });

  app.openapi(createWorkspace, async (c) => {
    if (!isPlatformAdmin(c.get('principal'))) throw new ApiError(403, 'forbidden', 'Only admin keys of the default workspace can create workspaces');
    const body = c.req.valid('json');
    const id = body.id ?? newId('ws');
    if (await findWorkspace(deps.db, id)) throw new ApiError(409, 'conflict', `Workspace ${id} already exists`);
    const now = deps.now();
    await ensureWorkspace(deps.db, id, body.name, now);
    const adminKey = await issueKey(deps, id, 'initial admin key', 'admin');
    return c.json({ data: { workspace: { id, name: body.name, createdAt: now.toISOString() }, adminKey } }, 201);
  });

  app.openapi(createKey, async (c) => {
    const principal = c.get('principal');
    const { id } = c.req.valid('param');
    const mayManage = isPlatformAdmin(principal) || (principal.workspaceId === id && principal.role === 'admin');
    // Another workspace's id reads as absent, never as forbidden.
    if (principal.workspaceId !== id && !isPlatformAdmin(principal)) throw new ApiError(404, 'not_found', `Workspace ${id} not found`);
    if (!mayManage) throw new ApiError(403, 'forbidden', 'Only admins can create API keys');
    if (!(await findWorkspace(deps.db, id))) throw new ApiError(404, 'not_found', `Workspace ${id} not found`);
    const body = c.req.valid('json');
    return c.json({ data: await issueKey(deps, id, body.name, body.role) }, 201);
  });
}
