import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findWorkspaceCredentialRow } from '../../db/repositories/credentials.ts';
import { connectorSchema } from '../../domain/connector.ts';
import { requireWorkspaceConnector } from '../connector-lookup.ts';
import { runCredentialBinding } from '../credential-binding.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import { presentConnector } from '../present-connector.ts';
import type { AppEnv } from '../principal.ts';

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
    if (!(await findWorkspaceCredentialRow(deps.db, workspaceId, credentialId))) {
      throw new ApiError(404, 'not_found', `Credential ${credentialId} not found`);
    }
    return c.json({ data: presentConnector(deps, await runCredentialBinding(deps, connector, credentialId)) }, 200);
  });
}
