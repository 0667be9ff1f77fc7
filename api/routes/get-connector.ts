import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findWorkspaceConnector } from '../../db/repositories/connectors.ts';
import { connectorSchema } from '../../domain/connector.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/connectors/{id}',
  tags: ['Connectors'],
  summary: 'Get a connector',
  security: bearerSecurity,
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: { description: 'The connector', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    ...errorResponses(401, 404, 503),
  },
});

export function registerGetConnector(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const connector = await findWorkspaceConnector(deps.db, c.get('principal').workspaceId, id);
    if (!connector) throw new ApiError(404, 'not_found', `Connector ${id} not found`);
    return c.json({ data: connector }, 200);
  });
}
