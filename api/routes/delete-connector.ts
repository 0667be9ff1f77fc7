import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { deleteConnector } from '../../application/delete-connector.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'delete',
  path: '/v1/connectors/{id}',
  tags: ['Connectors'],
  summary: 'Delete a connector',
  description: 'Starts the delete workflow and answers 202: it cancels a running sync, removes the schedules, the documents and the row. Then GET answers 404.',
  security: bearerSecurity,
  request: { params: z.object({ id: z.string() }) },
  responses: {
    202: {
      description: 'Deletion started',
      content: { 'application/json': { schema: dataEnvelope(z.object({ id: z.string(), state: z.literal('deleting'), workflowId: z.string() })) } },
    },
    ...errorResponses(401, 403, 404, 503),
  },
});

export function registerDeleteConnector(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => c.json({ data: await deleteConnector(deps, c.get('principal').workspaceId, c.req.valid('param').id) }, 202));
}
