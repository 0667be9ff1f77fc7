import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import { listConnectorSyncJobs } from '../../application/sync-status.ts';
import { syncJobSchema } from '../../domain/sync-job.ts';
import { listQuerySchema, pageEnvelope } from '../list-query.ts';
import { bearerSecurity, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';
import { connectorParam } from './sync-params.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/connectors/{id}/syncs',
  tags: ['Syncs'],
  summary: 'Sync history of a connector, newest first',
  description: 'Syncs and prunes, the latest first; pass `nextCursor` back as `cursor` for older ones.',
  security: bearerSecurity,
  request: { params: connectorParam, query: listQuerySchema },
  responses: {
    200: { description: 'A page of jobs', content: { 'application/json': { schema: pageEnvelope(syncJobSchema) } } },
    ...errorResponses(400, 401, 404, 503),
  },
});

export function registerGetConnectorSyncs(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const page = await listConnectorSyncJobs(deps, c.get('principal').workspaceId, c.req.valid('param').id, {
      ...c.req.valid('query'),
      order: 'newest_first',
    });
    return c.json({ data: page.items, nextCursor: page.nextCursor }, 200);
  });
}
