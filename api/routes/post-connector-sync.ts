import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import { startSync } from '../../application/start-sync.ts';
import { syncModes, syncStatuses } from '../../domain/sync-job.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';
import { connectorParam } from './sync-params.ts';

const queuedSchema = z.object({ jobId: z.string(), status: z.enum(syncStatuses), startedAt: z.iso.datetime() }).meta({ id: 'SyncQueued' });

const route = createRoute({
  method: 'post',
  path: '/v1/connectors/{id}/sync',
  tags: ['Syncs'],
  summary: 'Start a sync',
  description: 'Queues a sync job and starts the sync workflow. At most one sync of a connector is active: a second answers 409 with the active job id.',
  security: bearerSecurity,
  request: {
    params: connectorParam,
    body: { required: false, content: { 'application/json': { schema: z.object({ mode: z.enum(syncModes).optional() }).strict() } } },
  },
  responses: {
    202: { description: 'Queued', content: { 'application/json': { schema: dataEnvelope(queuedSchema) } } },
    ...errorResponses(400, 401, 403, 404, 409, 503),
  },
});

export function registerPostConnectorSync(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    // The body is optional, as in `POST /v1/connectors/{id}/sync` with none.
    const mode = (c.req.valid('json') as { mode?: 'incremental' | 'full' } | undefined)?.mode;
    return c.json({ data: await startSync(deps, c.get('principal').workspaceId, c.req.valid('param').id, mode) }, 202);
  });
}
