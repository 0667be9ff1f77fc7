import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bindCredential } from '../../../../application/bind-credential.ts';
import { requireConnector } from '../../../../application/connector-lookup.ts';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import { needsCredential } from '../../../../connectors/registry.ts';
import { shownConnectorId } from '../../../../domain/connector-ids.ts';
import type { AppEnv } from '../../../principal.ts';
import { OnyxRefusal, onyxErrorResponses } from '../errors.ts';
import { EMPTY_CREDENTIAL_ID } from '../present.ts';
import { onyxSecurity, onyxTags, statusResponseSchema } from '../wire.ts';

const association = (path: string, summary: string) =>
  createRoute({
    method: 'put',
    path,
    tags: onyxTags,
    summary,
    description:
      'Runs the same binding workflow as `PUT /v1/connectors/{id}/credential/{credentialId}`: checks the credential against the source, binds it and starts the schedules. Credential `0` is Onyx’s empty credential: accepted, and nothing to do, for a source that needs none (`web`, `file`). A body (Onyx’s cc-pair name, access type, groups) is not read.',
    security: onyxSecurity,
    request: { params: z.object({ connector_id: z.string(), credential_id: z.string() }) },
    responses: {
      200: { description: 'Associated; `data` is the connector id', content: { 'application/json': { schema: statusResponseSchema } } },
      ...onyxErrorResponses(400, 401, 403, 404, 409, 503),
    },
  });

export function registerPutConnectorCredential(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  const routes = [
    association('/admin/connector/{connector_id}/credential/{credential_id}', 'Associate a credential with a connector (Onyx admin)'),
    association('/connector/{connector_id}/credential/{credential_id}', 'Associate a credential with a connector (Onyx)'),
  ];
  for (const route of routes) {
    app.openapi(route, async (c) => {
      const { workspaceId } = c.get('principal');
      const { connector_id, credential_id } = c.req.valid('param');
      if (credential_id === EMPTY_CREDENTIAL_ID) {
        const connector = await requireConnector(deps, workspaceId, connector_id);
        if (needsCredential(connector.type)) {
          throw new OnyxRefusal(
            400,
            `Connector ${connector_id} (${connector.type}) needs a credential; credential 0 is the empty credential of sources that need none`,
          );
        }
        return c.json({ success: true, message: `Connector ${connector_id} needs no credential`, data: shownConnectorId(connector) }, 200);
      }
      const connector = await bindCredential(deps, workspaceId, connector_id, credential_id);
      return c.json(
        { success: true, message: `Credential ${credential_id} is associated with connector ${connector_id}`, data: shownConnectorId(connector) },
        200,
      );
    });
  }
}
