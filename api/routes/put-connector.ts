import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { putConnector } from '../../application/put-connector.ts';
import { connectorSchema, putConnectorBodySchema } from '../../application/connector-schemas.ts';
import { resourceIdSchema } from '../../domain/ids.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import { presentConnector } from '../present-connector.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'put',
  path: '/v1/connectors/{id}',
  tags: ['Connectors'],
  summary: 'Create a connector with a client-chosen id, replace it, or change some of its fields',
  description:
    'With `type`, creates the connector (201) or replaces its definition (200), as Elastic’s `PUT _connector/<id>` does; replaying the same request answers 200 with the same connector, and the type of an existing connector cannot change. Without `type`, changes the given fields of the existing connector (seed 001’s update: `config` is merged into its config), as PATCH does.',
  security: bearerSecurity,
  request: {
    params: z.object({ id: resourceIdSchema }),
    body: { required: true, content: { 'application/json': { schema: putConnectorBodySchema } } },
  },
  responses: {
    200: { description: 'Replaced, or already as described', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    201: { description: 'Created', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    202: { description: 'Accepted; still running', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    ...errorResponses(400, 401, 403, 409, 413, 503),
  },
});

export function registerPutConnector(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const outcome = await putConnector(deps, c.get('principal').workspaceId, c.req.valid('param').id, c.req.valid('json'));
    return c.json({ data: await presentConnector(deps, outcome.connector) }, outcome.status);
  });
}
