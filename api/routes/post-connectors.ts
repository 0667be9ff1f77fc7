import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { findConnector } from '../../db/repositories/connectors.ts';
import { connectorSchema, createConnectorBodySchema } from '../../domain/connector.ts';
import { newId } from '../../domain/ids.ts';
import { newConnector, runConnectorCreation } from '../connector-creation.ts';
import { assertConfigAccepted, assertSchedulesAccepted, creationCredential } from '../connector-input.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
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

export function registerPostConnectors(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(route, async (c) => {
    const { id: requestedId, credentialId, credentials, ...spec } = c.req.valid('json');
    const now = deps.now();
    assertSchedulesAccepted(spec, now);
    await assertConfigAccepted(deps, spec.type, spec.config);
    const id = requestedId ?? newId('conn');
    if (requestedId && (await findConnector(deps.db, requestedId))) {
      throw new ApiError(409, 'conflict', `A connector with id ${requestedId} already exists`);
    }
    const connector = newConnector(id, c.get('principal').workspaceId, spec, now);
    const credential = await creationCredential(deps, connector, { credentialId, credentials });
    const outcome = await runConnectorCreation(deps, connector, credential);
    return c.json({ data: presentConnector(deps, outcome.connector) }, outcome.status);
  });
}
