import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findWorkspaceCredentialRow } from '../../db/repositories/credentials.ts';
import { connectorSchema } from '../../domain/connector.ts';
import { workflowIds } from '../../temporal/ids.ts';
import type { BindCredentialInput, BindCredentialResult } from '../../workflows/bind-credential.ts';
import { requireWorkspaceConnector } from '../connector-lookup.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import { presentConnector } from '../present-connector.ts';
import type { AppEnv } from '../principal.ts';
import { runConnectorWorkflow } from '../run-workflow.ts';

const route = createRoute({
  method: 'put',
  path: '/v1/connectors/{id}/credential/{credentialId}',
  tags: ['Connectors'],
  summary: 'Bind a credential to a connector',
  description:
    'Runs the binding workflow: checks the credential against the source, binds it, moves auth_required to connected and unpauses the schedules. A credential that fails its check is a 422 with the source’s reason, and the connector stays as it was (Onyx: `PUT /manage/admin/connector/{id}/credential/{credentialId}`).',
  security: bearerSecurity,
  request: { params: z.object({ id: z.string(), credentialId: z.string() }) },
  responses: {
    200: { description: 'Bound', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    ...errorResponses(401, 403, 404, 409, 422, 503),
  },
});

export function registerBindCredential(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(route, async (c) => {
    const { id, credentialId } = c.req.valid('param');
    const { workspaceId } = c.get('principal');
    const connector = await requireWorkspaceConnector(deps, workspaceId, id);
    if (connector.state === 'deleting') throw new ApiError(409, 'conflict', `Connector ${connector.id} is being deleted`);
    if (!(await findWorkspaceCredentialRow(deps.db, workspaceId, credentialId))) {
      throw new ApiError(404, 'not_found', `Credential ${credentialId} not found`);
    }
    const input: BindCredentialInput = { connectorId: connector.id, credentialId };
    const outcome = await runConnectorWorkflow<BindCredentialResult>(deps, {
      workflowType: 'bindCredential',
      workflowId: workflowIds.bindCredential(connector.id),
      args: [input],
      connector,
      summary: `Bind credential ${credentialId} to connector "${connector.name}" (${connector.id})`,
      onConflict: 'refuse',
      failure: (_type, message) => new ApiError(503, 'schedule_update_failed', message),
    });
    if (!outcome.finished) throw new ApiError(503, 'temporal_unavailable', `The binding of ${credentialId} is queued but no worker finished it yet`);
    if (!outcome.result.ok) {
      throw new ApiError(422, 'credential_check_failed', `The credential failed its check: ${outcome.result.reason}`, { reason: outcome.result.reason });
    }
    return c.json({ data: presentConnector(deps, outcome.result.connector) }, 200);
  });
}
