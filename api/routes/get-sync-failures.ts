import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import { listSyncJobFailures } from '../../application/sync-status.ts';
import { syncFailureSchema } from '../../domain/sync-job.ts';
import { listQuerySchema, pageEnvelope } from '../list-query.ts';
import { bearerSecurity, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';
import { jobParams } from './sync-params.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/connectors/{id}/sync/{jobId}/failures',
  tags: ['Syncs'],
  summary: 'Items a sync could not deliver: their external id, the stage that failed and why',
  security: bearerSecurity,
  request: { params: jobParams, query: listQuerySchema },
  responses: {
    200: { description: 'A page of failures, in the order they happened', content: { 'application/json': { schema: pageEnvelope(syncFailureSchema) } } },
    ...errorResponses(400, 401, 404, 503),
  },
});

export function registerGetSyncFailures(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const { id, jobId } = c.req.valid('param');
    const page = await listSyncJobFailures(deps, c.get('principal').workspaceId, id, jobId, c.req.valid('query'));
    return c.json({ data: page.items, nextCursor: page.nextCursor }, 200);
  });
}
