import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { controlSync, type SyncControl } from '../../application/control-sync.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { syncJobSchema } from '../../domain/sync-job.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';
import { jobParams } from './sync-params.ts';

function route(action: SyncControl) {
  return createRoute({
    method: 'post',
    path: `/v1/connectors/{id}/sync/{jobId}/${action}`,
    tags: ['Syncs'],
    summary: action === 'cancel' ? 'Cancel a running sync (signal `cancel`)' : 'Restart a running sync as a full sync (signal `resync`)',
    security: bearerSecurity,
    request: { params: jobParams },
    responses: {
      202: { description: 'Signalled', content: { 'application/json': { schema: dataEnvelope(syncJobSchema) } } },
      ...errorResponses(401, 403, 404, 409, 503),
    },
  });
}

export function registerPostSyncControl(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  for (const action of ['cancel', 'resync'] as const) {
    app.openapi(route(action), async (c) => {
      const { id, jobId } = c.req.valid('param');
      return c.json({ data: await controlSync(deps, c.get('principal').workspaceId, id, jobId, action) }, 202);
    });
  }
}
