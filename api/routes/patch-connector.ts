import { updateConnector } from '../../application/update-connector.ts';
import { patchConnectorBodySchema } from '../../domain/connector.ts';
import { connectorSchema } from '../../application/connector-schemas.ts';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import { presentConnector } from '../present-connector.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'patch',
  path: '/v1/connectors/{id}',
  tags: ['Connectors'],
  summary: 'Change a connector',
  description: 'Runs the update workflow: the row and the Temporal Schedules change together; if the schedules cannot follow, nothing changes.',
  security: bearerSecurity,
  request: {
    params: z.object({ id: z.string() }),
    body: { required: true, content: { 'application/json': { schema: patchConnectorBodySchema } } },
  },
  responses: {
    200: { description: 'Updated', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    202: { description: 'Accepted; the update is still running', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    ...errorResponses(400, 401, 403, 404, 409, 413, 503),
  },
});

export function registerPatchConnector(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const outcome = await updateConnector(deps, c.get('principal').workspaceId, c.req.valid('param').id, c.req.valid('json'));
    return c.json({ data: await presentConnector(deps, outcome.connector) }, outcome.status);
  });
}
