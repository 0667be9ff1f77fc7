import { isDeepStrictEqual } from 'node:util';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findConnector } from '../../db/repositories/connectors.ts';
import { connectorSchema, putConnectorBodySchema, type Connector } from '../../domain/connector.ts';
import { resourceIdSchema } from '../../domain/ids.ts';
import { newConnector, runConnectorCreation } from '../connector-creation.ts';
import { assertConfigAccepted, assertSchedulesAccepted, creationCredential } from '../connector-input.ts';
import { runConnectorUpdate } from '../connector-update.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import { presentConnector } from '../present-connector.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'put',
  path: '/v1/connectors/{id}',
  tags: ['Connectors'],
  summary: 'Create a connector with a client-chosen id, or replace it',
  description:
    'Creates the connector (201) or replaces its definition (200), as Elastic’s `PUT _connector/<id>` does. Replaying the same request answers 200 with the same connector. The type of an existing connector cannot change.',
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

const definitionFields = ['name', 'description', 'collection', 'config', 'metadata', 'schedule', 'pruneSchedule'] as const;

export function registerPutConnector(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const { credentialId, credentials, ...spec } = c.req.valid('json');
    const { workspaceId } = c.get('principal');
    const now = deps.now();
    assertSchedulesAccepted(spec, now);
    await assertConfigAccepted(deps, spec.type, spec.config);
    const wanted = newConnector(id, workspaceId, spec, now);
    const existing = await findConnector(deps.db, id);
    // Another workspace's connector must not show through, not even as a conflict.
    if (existing && existing.workspaceId !== workspaceId) {
      throw new ApiError(404, 'not_found', `Connector ${id} not found, and this id cannot be used; choose another`);
    }
    if (existing) {
      const replaced = await replaceDefinition(deps, existing, wanted);
      return c.json({ data: presentConnector(deps, replaced.connector) }, replaced.status);
    }
    const credential = await creationCredential(deps, wanted, { credentialId, credentials });
    const outcome = await runConnectorCreation(deps, wanted, credential);
    return c.json({ data: presentConnector(deps, outcome.connector) }, outcome.status);
  });
}

async function replaceDefinition(deps: ApiDependencies, existing: Connector, wanted: Connector): Promise<{ status: 200 | 202; connector: Connector }> {
  if (existing.type !== wanted.type) {
    throw new ApiError(409, 'conflict', `Connector ${existing.id} is a ${existing.type} connector; its type cannot change`);
  }
  if (existing.collection !== wanted.collection) {
    throw new ApiError(409, 'conflict', `The collection of connector ${existing.id} cannot change; create another connector`);
  }
  if (definitionFields.every((field) => isDeepStrictEqual(existing[field], wanted[field]))) return { status: 200, connector: existing };
  return runConnectorUpdate(deps, existing, {
    name: wanted.name,
    description: wanted.description,
    config: wanted.config,
    metadata: wanted.metadata,
    schedule: wanted.schedule,
    pruneSchedule: wanted.pruneSchedule,
  });
}
