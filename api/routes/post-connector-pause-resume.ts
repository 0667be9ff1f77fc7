import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findConnectorDefinition } from '../../connectors/registry.ts';
import { connectorSchema, type Connector } from '../../domain/connector.ts';
import { workflowIds } from '../../temporal/ids.ts';
import { requireWorkspaceConnector } from '../connector-lookup.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import { presentConnector } from '../present-connector.ts';
import type { AppEnv } from '../principal.ts';
import { runConnectorWorkflow } from '../run-workflow.ts';

const actions = {
  pause: { workflowType: 'pauseConnector', workflowId: workflowIds.pauseConnector, summary: 'Pause the connector and its schedules' },
  resume: { workflowType: 'resumeConnector', workflowId: workflowIds.resumeConnector, summary: 'Resume the connector and its schedules' },
} as const;

function route(action: keyof typeof actions) {
  return createRoute({
    method: 'post',
    path: `/v1/connectors/{id}/${action}`,
    tags: ['Connectors'],
    summary: actions[action].summary,
    security: bearerSecurity,
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: { description: 'Done', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
      202: { description: 'Accepted; still running', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
      ...errorResponses(401, 403, 404, 409, 503),
    },
  });
}

export function registerPauseResume(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  for (const action of ['pause', 'resume'] as const) {
    app.openapi(route(action), async (c) => {
      const connector = await requireWorkspaceConnector(deps, c.get('principal').workspaceId, c.req.valid('param').id);
      if (connector.state === 'deleting') throw new ApiError(409, 'conflict', `Connector ${connector.id} is being deleted`);
      const needsCredential = (findConnectorDefinition(connector.type)?.credentialKinds.length ?? 0) > 0;
      const outcome = await runConnectorWorkflow<Connector>(deps, {
        workflowType: actions[action].workflowType,
        workflowId: actions[action].workflowId(connector.id),
        args: [{ connectorId: connector.id, needsCredential }],
        connector,
        summary: `${action === 'pause' ? 'Pause' : 'Resume'} connector "${connector.name}" (${connector.id})`,
        onConflict: 'join',
        failure: (_type, message) => new ApiError(503, 'schedule_update_failed', message),
      });
      return outcome.finished
        ? c.json({ data: presentConnector(deps, outcome.result) }, 200)
        : c.json({ data: presentConnector(deps, connector) }, 202);
    });
  }
}
