import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { apiKeySchema, createApiKeyBodySchema, createdApiKeySchema, createWorkspaceBodySchema, workspaceSchema } from '../../domain/workspace.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { createApiKey, createWorkspaceWithAdminKey, describeCaller, listApiKeys, revokeApiKey } from '../../application/workspaces.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

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

const listKeys = createRoute({
  method: 'get',
  path: '/v1/workspaces/{id}/api-keys',
  tags: ['Workspaces'],
  summary: 'List the API keys of a workspace',
  description: 'Admins of the workspace (or platform admins) only. Names, roles and ids; never the keys, which are stored hashed.',
  security: bearerSecurity,
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: { description: 'The keys, oldest first', content: { 'application/json': { schema: dataEnvelope(z.array(apiKeySchema)) } } },
    ...errorResponses(401, 403, 404, 503),
  },
});

const revokeKey = createRoute({
  method: 'delete',
  path: '/v1/workspaces/{id}/api-keys/{keyId}',
  tags: ['Workspaces'],
  summary: 'Revoke an API key',
  description:
    'Admins of the workspace (or platform admins) only. The key answers 401 from its next request on. The last admin key of a workspace cannot be revoked (409): create another admin key first.',
  security: bearerSecurity,
  request: { params: z.object({ id: z.string(), keyId: z.string() }) },
  responses: {
    204: { description: 'Revoked' },
    ...errorResponses(401, 403, 404, 409, 503),
  },
});

const me = createRoute({
  method: 'get',
  path: '/v1/workspaces/me',
  tags: ['Workspaces'],
  summary: 'The workspace and key of the caller',
  security: bearerSecurity,
  responses: {
    200: {
      description: 'Who you are',
      content: { 'application/json': { schema: dataEnvelope(z.object({ workspace: workspaceSchema, apiKey: apiKeySchema })) } },
    },
    ...errorResponses(401),
  },
});

export function registerWorkspaces(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(me, async (c) => c.json({ data: await describeCaller(deps, c.get('principal')) }, 200));
  app.openapi(createWorkspace, async (c) => c.json({ data: await createWorkspaceWithAdminKey(deps, c.get('principal'), c.req.valid('json')) }, 201));
  app.openapi(createKey, async (c) => c.json({ data: await createApiKey(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')) }, 201));
  app.openapi(listKeys, async (c) => c.json({ data: await listApiKeys(deps, c.get('principal'), c.req.valid('param').id) }, 200));
  app.openapi(revokeKey, async (c) => {
    const { id, keyId } = c.req.valid('param');
    await revokeApiKey(deps, c.get('principal'), id, keyId);
    return c.body(null, 204);
  });
}
