import { createConnector } from '../../application/create-connector.ts';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { connectorSchema, createConnectorBodySchema } from '../../application/connector-schemas.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import { presentConnector } from '../present-connector.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'post',
  path: '/v1/connectors',
  tags: ['Connectors'],
  summary: 'Create a connector',
  description:
    'Runs the connector-creation workflow: inserts the connector, stores and binds its credential, checks the connection, creates its Temporal Schedule and marks it connected (or auth_required). If the schedule cannot be created the connector is removed again.',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: createConnectorBodySchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    202: { description: 'Accepted; creation is still running', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    ...errorResponses(400, 401, 403, 409, 413, 503),
  },
});

export function registerPostConnectors(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const outcome = await createConnector(deps, c.get('principal').workspaceId, c.req.valid('json'));
    return c.json({ data: presentConnector(deps, outcome.connector) }, outcome.status);
  });
}
