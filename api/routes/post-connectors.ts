import { createConnector } from '../../application/create-connector.ts';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { connectorSchema, createConnectorBodySchema } from '../../application/connector-schemas.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import { presentConnector } from '../present-connector.ts';
import type { AppEnv } from '../principal.ts';

const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, { message: 'must be 1-255 visible ASCII characters' })
  .meta({
    description:
      'Makes the creation safe to retry. A request with a key already used in this workspace reaches the connector created under it, whatever its body: it joins the creation while it runs (202 if it is still running when the wait ends) and answers the connector as it stands once done (200). An error answer, a 503 included, means nothing was created: retry with the same key. Not together with an `id` in the body.',
    example: '5f2b7c1e-8d4a-4e0b-9a55-0c7d2f1e3b6a',
  });

const route = createRoute({
  method: 'post',
  path: '/v1/connectors',
  tags: ['Connectors'],
  summary: 'Create a connector',
  description:
    'Inserts the connector and runs the connector-creation workflow: stores and binds its credential, checks the connection, creates its Temporal Schedule and marks it connected (or auth_required). If the schedule cannot be created the connector is removed again. Send an `Idempotency-Key` header to retry safely: an error answer (a 503 included) means nothing was created.',
  security: bearerSecurity,
  request: {
    headers: z.object({ 'idempotency-key': idempotencyKeySchema.optional() }),
    body: { required: true, content: { 'application/json': { schema: createConnectorBodySchema } } },
  },
  responses: {
    200: {
      description: 'A replay: the connector created earlier under the same Idempotency-Key, as it stands now',
      content: { 'application/json': { schema: dataEnvelope(connectorSchema) } },
    },
    201: { description: 'Created', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    202: {
      description: 'Accepted; creation is still running (or Temporal stopped answering after it started). Its state leaves `creating` once done.',
      content: { 'application/json': { schema: dataEnvelope(connectorSchema) } },
    },
    ...errorResponses(400, 401, 403, 409, 413, 503),
  },
});

export function registerPostConnectors(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const outcome = await createConnector(deps, c.get('principal').workspaceId, c.req.valid('json'), c.req.valid('header')['idempotency-key']);
    return c.json({ data: await presentConnector(deps, outcome.connector) }, outcome.status);
  });
}
