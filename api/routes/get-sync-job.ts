import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import { getSyncJob } from '../../application/sync-status.ts';
import { syncJobSchema } from '../../domain/sync-job.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';
import { jobParams } from './sync-params.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/connectors/{id}/sync/{jobId}',
  tags: ['Syncs'],
  summary: 'Status and live progress of a sync',
  security: bearerSecurity,
  request: { params: jobParams },
  responses: {
    200: { description: 'The job', content: { 'application/json': { schema: dataEnvelope(syncJobSchema) } } },
    ...errorResponses(401, 404, 503),
  },
});

export function registerGetSyncJob(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const { id, jobId } = c.req.valid('param');
    return c.json({ data: await getSyncJob(deps, c.get('principal').workspaceId, id, jobId) }, 200);
  });
}
