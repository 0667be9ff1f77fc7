import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { deleteConnector } from '../../../../application/delete-connector.ts';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import type { AppEnv } from '../../../principal.ts';
import { onyxErrorResponses } from '../errors.ts';
import { onyxSecurity, onyxTags, statusResponseSchema } from '../wire.ts';

const route = createRoute({
  method: 'delete',
  path: '/admin/connector/{connector_id}',
  tags: onyxTags,
  summary: 'Delete a connector (Onyx)',
  description:
    'Starts the same delete workflow as `DELETE /v1/connectors/{id}`: it cancels a running sync and removes the schedules, the documents and the connector. Answers at once; the connector then disappears.',
  security: onyxSecurity,
  request: { params: z.object({ connector_id: z.string() }) },
  responses: {
    200: { description: 'Deletion started; `data` is the connector id', content: { 'application/json': { schema: statusResponseSchema } } },
    ...onyxErrorResponses(401, 403, 404, 503),
  },
});

export function registerDeleteConnector(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const deletion = await deleteConnector(deps, c.get('principal').workspaceId, c.req.valid('param').connector_id);
    return c.json({ success: true, message: `Deleting connector ${deletion.id} (workflow ${deletion.workflowId})`, data: deletion.id }, 200);
  });
}
