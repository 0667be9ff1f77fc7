import { getCredential, listWorkspaceCredentials } from '../../application/credentials.ts';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { credentialSchema } from '../../domain/credential.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
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

export function registerGetCredentials(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(listRoute, async (c) => {
    const page = await listWorkspaceCredentials(deps, c.get('principal').workspaceId, c.req.valid('query'));
    return c.json({ data: page.items, nextCursor: page.nextCursor }, 200);
  });
  app.openapi(getRoute, async (c) => c.json({ data: await getCredential(deps, c.get('principal').workspaceId, c.req.valid('param').id) }, 200));
}
