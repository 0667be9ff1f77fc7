import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requireConnector } from '../../../../application/connector-lookup.ts';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import { startSync } from '../../../../application/start-sync.ts';
import { needsCredential } from '../../../../connectors/registry.ts';
import type { AppEnv } from '../../../principal.ts';
import { OnyxRefusal, onyxErrorResponses } from '../errors.ts';
import { EMPTY_CREDENTIAL_ID } from '../present.ts';
import { onyxSecurity, onyxTags, runOnceRequestSchema, statusResponseSchema } from '../wire.ts';

const route = createRoute({
  method: 'post',
  path: '/admin/connector/run-once',
  tags: onyxTags,
  summary: 'Run a connector now (Onyx)',
  description:
    'Starts a sync job as `POST /v1/connectors/{id}/sync` does: incremental, or full with `from_beginning`. The message names the job; its progress shows in the indexing status and at `GET /v1/connectors/{id}/sync/{jobId}`. A sync already running is a 409.',
  security: onyxSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: runOnceRequestSchema } } } },
  responses: {
    200: { description: 'Started; `data` is the number of index attempts started (1)', content: { 'application/json': { schema: statusResponseSchema } } },
    ...onyxErrorResponses(400, 401, 403, 404, 409, 422, 503),
  },
});

export function registerPostRunOnce(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const { workspaceId } = c.get('principal');
    const { connector_id, credential_ids, from_beginning } = c.req.valid('json');
    const connector = await requireConnector(deps, workspaceId, connector_id);
    const bound = connector.credentialId ?? (needsCredential(connector.type) ? undefined : EMPTY_CREDENTIAL_ID);
    if (credential_ids?.length && !credential_ids.every((id) => id === bound)) {
      throw new OnyxRefusal(400, 'Not all specified credentials are associated with connector');
    }
    if (bound === undefined) throw new OnyxRefusal(400, 'Connector has no valid credentials, cannot create index attempts.');
    const job = await startSync(deps, workspaceId, connector_id, from_beginning ? 'full' : 'incremental');
    return c.json({ success: true, message: `Started sync job ${job.jobId}`, data: 1 }, 200);
  });
}
