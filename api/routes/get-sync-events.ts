import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { AppDependencies } from '../../application/dependencies.ts';
import { getSyncJob } from '../../application/sync-status.ts';
import { activeSyncStatuses } from '../../domain/sync-job.ts';
import { bearerSecurity, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';
import { jobParams } from './sync-params.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/connectors/{id}/sync/{jobId}/events',
  tags: ['Syncs'],
  summary: 'Live progress as Server-Sent Events',
  description: 'An `progress` event with the job about every second while it runs, then `end` with the final job.',
  security: bearerSecurity,
  request: { params: jobParams },
  responses: {
    200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(401, 404),
  },
});

export function registerGetSyncEvents(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const { id, jobId } = c.req.valid('param');
    const { workspaceId } = c.get('principal');
    // A job of another workspace answers 404 before the stream opens.
    await getSyncJob(deps, workspaceId, id, jobId);
    return streamSSE(c, async (stream) => {
      for (let sequence = 0; !stream.aborted; sequence += 1) {
        const job = await getSyncJob(deps, workspaceId, id, jobId);
        const ended = !activeSyncStatuses.includes(job.status);
        await stream.writeSSE({ event: ended ? 'end' : 'progress', id: String(sequence), data: JSON.stringify(job) });
        if (ended) break;
        await stream.sleep(1000);
      }
    }) as never;
  });
}
