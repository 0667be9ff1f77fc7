import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import { deleteConnector } from '../../../../application/delete-connector.ts';
import type { AppEnv } from '../../../principal.ts';
import { apiKeySecurity, connectorIdParam, errorAnswers, tag } from '../wire.ts';

const route = createRoute({
  method: 'delete',
  path: '/{connector_id}',
  tags: [tag],
  summary: 'Delete a connector',
  description: 'Starts the deletion: a running sync is canceled, then the schedules, the documents, the sync jobs and the connector are removed.',
  security: apiKeySecurity,
  request: { params: connectorIdParam },
  responses: {
    200: { description: 'Deletion started', content: { 'application/json': { schema: z.object({ acknowledged: z.literal(true) }) } } },
    ...errorAnswers(401, 403, 404, 503),
  },
});

export function registerDeleteConnector(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    await deleteConnector(deps, c.get('principal').workspaceId, c.req.valid('param').connector_id);
    return c.json({ acknowledged: true as const }, 200);
  });
}
