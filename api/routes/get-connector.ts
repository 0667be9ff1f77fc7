import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { connectorSchema } from '../../application/connector-schemas.ts';
import { requireConnector } from '../../application/connector-lookup.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import { presentConnector } from '../present-connector.ts';
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

export function registerGetConnector(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const connector = await requireConnector(deps, c.get('principal').workspaceId, c.req.valid('param').id);
    return c.json({ data: await presentConnector(deps, connector) }, 200);
  });
}
