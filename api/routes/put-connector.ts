import { isDeepStrictEqual } from 'node:util';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findConnector } from '../../db/repositories/connectors.ts';
import { connectorSchema, putConnectorBodySchema } from '../../domain/connector.ts';
import { resourceIdSchema } from '../../domain/ids.ts';
import { newConnector, runConnectorCreation } from '../connector-creation.ts';
import { assertScheduleAccepted } from '../connector-guards.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'put',
  path: '/v1/connectors/{id}',
  tags: ['Connectors'],
  summary: 'Create a connector with a client-chosen id',
  description:
    'Idempotent: replaying the same request answers 200 with the same connector. The id is also the default collection.',
  security: bearerSecurity,
  request: {
    params: z.object({ id: resourceIdSchema }),
    body: { required: true, content: { 'application/json': { schema: putConnectorBodySchema } } },
  },
  responses: {
    200: { description: 'Already exists as described', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    201: { description: 'Created', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    202: { description: 'Accepted; creation is still running', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    ...errorResponses(400, 401, 403, 409, 413, 503),
  },
});

export function registerPutConnector(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const spec = c.req.valid('json');
    const { workspaceId } = c.get('principal');
    const now = deps.now();
    const wanted = newConnector(id, workspaceId, spec, now);
    const existing = await findConnector(deps.db, id);
    if (existing) {
      if (existing.workspaceId === workspaceId && sameDefinition(existing, wanted)) {
        return c.json({ data: existing }, 200);
      }
      throw new ApiError(409, 'conflict', `A connector with id ${id} already exists with a different definition`);
    }
    assertScheduleAccepted(spec, now);
    const outcome = await runConnectorCreation(deps, wanted);
    return c.json({ data: outcome.connector }, outcome.status);
  });
}

const definitionFields = ['name', 'description', 'type', 'collection', 'config', 'metadata', 'schedule', 'pruneSchedule'] as const;

function sameDefinition(a: Record<(typeof definitionFields)[number], unknown>, b: typeof a): boolean {
  return definitionFields.every((field) => isDeepStrictEqual(a[field], b[field]));
}
