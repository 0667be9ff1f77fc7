import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { workflowIds } from '../../temporal/ids.ts';
import { connectorSearchAttributes } from '../../temporal/search-attributes.ts';
import { requireWorkspaceConnector } from '../connector-lookup.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'delete',
  path: '/v1/connectors/{id}',
  tags: ['Connectors'],
  summary: 'Delete a connector',
  description:
    'Starts the delete workflow and answers 202: it cancels a running sync, removes the schedules, the documents and the row. Then GET answers 404.',
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

export function registerDeleteConnector(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(route, async (c) => {
    const connector = await requireWorkspaceConnector(deps, c.get('principal').workspaceId, c.req.valid('param').id);
    const workflowId = workflowIds.deleteConnector(connector.id);
    // A repeated DELETE joins the deletion already under way.
    await deps.temporal.workflow.start('deleteConnector', {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [{ connectorId: connector.id }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: connectorSearchAttributes(connector),
      staticSummary: `Delete ${connector.type} connector "${connector.name}" (${connector.id})`,
    });
    return c.json({ data: { id: connector.id, state: 'deleting' as const, workflowId } }, 202);
  });
}
