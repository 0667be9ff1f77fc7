import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import { getSyncJob } from '../../../../application/sync-status.ts';
import { shownConnectorId } from '../../../../domain/connector-ids.ts';
import type { AppEnv } from '../../../principal.ts';
import { presentSyncJob } from '../present.ts';
import { connectorOfSyncJob } from '../../../../application/sync-status.ts';
import { apiKeySecurity, errorAnswers, syncJobIdParam, tag } from '../wire.ts';

const route = createRoute({
  method: 'get',
  path: '/_sync_job/{connector_sync_job_id}',
  tags: [tag],
  summary: 'Get a sync job',
  description: 'Live while it runs: status `pending`, `in_progress`, `canceling`, `canceled`, `completed` or `error`, with its document counts.',
  security: apiKeySecurity,
  request: { params: syncJobIdParam },
  responses: {
    200: { description: 'The sync job', content: { 'application/json': { schema: z.record(z.string(), z.unknown()).meta({ id: 'ElasticSyncJob' }) } } },
    ...errorAnswers(401, 404, 503),
  },
});

export function registerGetSyncJob(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    const { workspaceId } = c.get('principal');
    const jobId = c.req.valid('param').connector_sync_job_id;
    const connector = await connectorOfSyncJob(deps, workspaceId, jobId);
    const job = await getSyncJob(deps, workspaceId, shownConnectorId(connector), jobId);
    return c.json(presentSyncJob(job, connector) as Record<string, unknown>, 200);
  });
}
