import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { requireConnector } from '../../../../application/connector-lookup.ts';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import type { AppEnv } from '../../../principal.ts';
import { presentConnectors } from '../present.ts';
import { apiKeySecurity, connectorIdParam, errorAnswers, tag } from '../wire.ts';

const route = createRoute({
  method: 'get',
  path: '/{connector_id}',
  tags: [tag],
  summary: 'Get a connector',
  description:
    "Elastic's connector document: status `created`, `needs_configuration`, `connected` or `error`, its configuration (no secrets), scheduling and last sync.",
  security: apiKeySecurity,
  request: { params: connectorIdParam },
  responses: {
    200: { description: 'The connector', content: { 'application/json': { schema: z.record(z.string(), z.unknown()).meta({ id: 'ElasticConnector' }) } } },
    ...errorAnswers(401, 404, 503),
  },
});

export function registerGetConnector(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    const connector = await requireConnector(deps, c.get('principal').workspaceId, c.req.valid('param').connector_id);
    const [shown] = await presentConnectors(deps, [connector]);
    return c.json(shown as Record<string, unknown>, 200);
  });
}
