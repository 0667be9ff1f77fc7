import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findWorkspaceCredentialRow, listCredentials, toCredential } from '../../db/repositories/credentials.ts';
import { credentialSchema } from '../../domain/credential.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
import { listQuerySchema, pageEnvelope } from '../list-query.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const listRoute = createRoute({
  method: 'get',
  path: '/v1/credentials',
  tags: ['Credentials'],
  summary: 'List credentials',
  security: bearerSecurity,
  request: { query: listQuerySchema.extend({ type: z.string().optional() }) },
  responses: {
    200: { description: 'A page of credentials', content: { 'application/json': { schema: pageEnvelope(credentialSchema) } } },
    ...errorResponses(400, 401, 503),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/credentials/{id}',
  tags: ['Credentials'],
  summary: 'Get a credential (never its secret)',
  security: bearerSecurity,
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: { description: 'The credential', content: { 'application/json': { schema: dataEnvelope(credentialSchema) } } },
    ...errorResponses(401, 404, 503),
  },
});

export function registerGetCredentials(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(listRoute, async (c) => {
    const query = c.req.valid('query');
    const page = await listCredentials(deps.db, c.get('principal').workspaceId, query);
    return c.json({ data: page.items, nextCursor: page.nextCursor }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    const row = await findWorkspaceCredentialRow(deps.db, c.get('principal').workspaceId, id);
    if (!row) throw new ApiError(404, 'not_found', `Credential ${id} not found`);
    return c.json({ data: toCredential(row) }, 200);
  });
}
