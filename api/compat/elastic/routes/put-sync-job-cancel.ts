import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { controlSync } from '../../../../application/control-sync.ts';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import { shownConnectorId } from '../../../../domain/connector-ids.ts';
import type { AppEnv } from '../../../principal.ts';
import { connectorOfSyncJob } from '../../../../application/sync-status.ts';
import { apiKeySecurity, errorAnswers, resultAnswer, syncJobIdParam, tag } from '../wire.ts';

const route = createRoute({
  method: 'put',
  path: '/_sync_job/{connector_sync_job_id}/_cancel',
  tags: [tag],
  summary: 'Cancel a sync job',
  description: 'The job becomes `canceling`, then `canceled` once its workflow has stopped; 409 if it has already ended.',
  security: apiKeySecurity,
  request: { params: syncJobIdParam },
  responses: {
    200: { description: 'Cancel requested', content: { 'application/json': { schema: resultAnswer } } },
    ...errorAnswers(401, 403, 404, 409, 503),
  },
});

export function registerCancelSyncJob(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    const { workspaceId } = c.get('principal');
    const jobId = c.req.valid('param').connector_sync_job_id;
    const connector = await connectorOfSyncJob(deps, workspaceId, jobId);
    await controlSync(deps, workspaceId, shownConnectorId(connector), jobId, 'cancel');
    return c.json({ result: 'updated' as const }, 200);
  });
}
