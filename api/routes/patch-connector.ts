import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findConnectorDefinition } from '../../connectors/registry.ts';
import { connectorSchema, patchConnectorBodySchema, type ConnectorChanges } from '../../domain/connector.ts';
import { requireWorkspaceConnector } from '../connector-lookup.ts';
import { assertConfigAccepted, assertSchedulesAccepted } from '../connector-input.ts';
import { runConnectorUpdate } from '../connector-update.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
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

export function registerPatchConnector(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(route, async (c) => {
    const connector = await requireWorkspaceConnector(deps, c.get('principal').workspaceId, c.req.valid('param').id);
    if (connector.state === 'deleting') throw new ApiError(409, 'conflict', `Connector ${connector.id} is being deleted`);
    const body = c.req.valid('json');
    assertSchedulesAccepted(body, deps.now());
    const changes: ConnectorChanges = {};
    if (body.name !== undefined) changes.name = body.name;
    if (body.description !== undefined) changes.description = body.description;
    if (body.schedule !== undefined) changes.schedule = body.schedule;
    if (body.pruneSchedule !== undefined) changes.pruneSchedule = body.pruneSchedule;
    if (body.metadata !== undefined) changes.metadata = body.metadata;
    if (body.config !== undefined) {
      const parsed = findConnectorDefinition(connector.type)?.configSchema.safeParse({ ...connector.config, ...body.config });
      if (!parsed?.success) {
        const issues = (parsed?.error.issues ?? []).map((issue) => ({ path: ['config', ...issue.path.map(String)], message: issue.message, code: issue.code }));
        const first = issues[0];
        throw new ApiError(400, 'invalid_request', `Invalid request body: ${first?.path.join('.')}: ${first?.message}`, { issues });
      }
      await assertConfigAccepted(deps, connector.type, parsed.data);
      changes.config = parsed.data as Record<string, unknown>;
    }
    const outcome = await runConnectorUpdate(deps, connector, changes);
    return c.json({ data: presentConnector(deps, outcome.connector) }, outcome.status);
  });
}
