import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import { startSync } from '../../../../application/start-sync.ts';
import type { AppEnv } from '../../../principal.ts';
import { apiKeySecurity, errorAnswers, syncJobBody, tag } from '../wire.ts';

const route = createRoute({
  method: 'post',
  path: '/_sync_job',
  tags: [tag],
  summary: 'Start a sync job',
  description: 'Queues a `full` (default) or `incremental` sync of a connected connector and starts it at once; 409 while another one is active.',
  security: apiKeySecurity,
  request: { body: { required: true, content: { 'application/json': { schema: syncJobBody } } } },
  responses: {
    201: { description: 'Queued', content: { 'application/json': { schema: z.object({ id: z.string() }) } } },
    ...errorAnswers(400, 401, 403, 404, 409, 503),
  },
});

export function registerPostSyncJob(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const job = await startSync(deps, c.get('principal').workspaceId, body.id, body.job_type ?? 'full');
    return c.json({ id: job.jobId }, 201);
  });
}
