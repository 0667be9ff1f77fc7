import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { createConnectorBodySchema, connectorSchema } from '../../domain/connector.ts';
import { newId } from '../../domain/ids.ts';
import { newConnector, runConnectorCreation } from '../connector-creation.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';
import { assertScheduleAccepted, existingConnectorConflict } from '../connector-guards.ts';

const route = createRoute({
  method: 'post',
  path: '/v1/connectors',
  tags: ['Connectors'],
  summary: 'Create a connector',
  description:
    'Runs the connector-creation workflow: inserts the connector, creates its Temporal Schedule and marks it connected. If the schedule cannot be created the connector is removed again.',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: createConnectorBodySchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    202: { description: 'Accepted; creation is still running', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    ...errorResponses(400, 401, 403, 409, 413, 503),
  },
});

export function registerPostConnectors(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(route, async (c) => {
    const { id: requestedId, ...spec } = c.req.valid('json');
    const { workspaceId } = c.get('principal');
    const now = deps.now();
    assertScheduleAccepted(spec, now);
    const id = requestedId ?? newId('conn');
    if (requestedId) await existingConnectorConflict(deps.db, requestedId);
    const outcome = await runConnectorCreation(deps, newConnector(id, workspaceId, spec, now));
    return c.json({ data: outcome.connector }, outcome.status);
  });
}
