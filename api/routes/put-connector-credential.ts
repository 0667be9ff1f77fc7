import { bindCredential } from '../../application/bind-credential.ts';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { connectorSchema } from '../../application/connector-schemas.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
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

export function registerBindCredential(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const { id, credentialId } = c.req.valid('param');
    return c.json({ data: await presentConnector(deps, await bindCredential(deps, c.get('principal').workspaceId, id, credentialId)) }, 200);
  });
}
