import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { AppDependencies } from '../../application/dependencies.ts';
import { AppError } from '../../application/errors.ts';
import { getSyncJob, requireSyncJobRow } from '../../application/sync-status.ts';
import { followJob } from '../job-event-stream.ts';
import { createJobWatch } from '../job-watch.ts';
import { bearerSecurity, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';
import { createStreamSlots } from '../stream-slots.ts';
import { jobParams } from './sync-params.ts';

const POLL_MS = 1000;

const route = createRoute({
  method: 'get',
  path: '/v1/connectors/{id}/sync/{jobId}/events',
  tags: ['Syncs'],
  summary: 'Live progress as Server-Sent Events',
  description: [
    'A `progress` event with the job whenever it changes (looked at about every second), then `end` with the final job.',
    'A `: heartbeat` comment comes every 15 s. A job unchanged for `TRIBUTARY_STREAM_IDLE_SECONDS` (600 by default) ends the stream',
    'with a `reconnect` event and a `retry:` hint; a job that can no longer be read ends it with `error`.',
    'At most `TRIBUTARY_MAX_STREAMS_PER_KEY` streams (10 by default) per API key and `TRIBUTARY_MAX_STREAMS` (200) in all are open at once;',
    'past either cap the answer is 429 with `Retry-After`.',
  ].join(' '),
  security: bearerSecurity,
  request: { params: jobParams },
  responses: {
    200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(401, 404, 429),
  },
});

export function registerGetSyncEvents(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  const slots = createStreamSlots(deps.limits);
  const jobs = createJobWatch(POLL_MS);
  app.openapi(route, async (c) => {
    const { id, jobId } = c.req.valid('param');
    const { workspaceId, keyId } = c.get('principal');
    // A job of another workspace answers 404 before the stream opens.
    await requireSyncJobRow(deps, workspaceId, id, jobId);
    const release = slots.acquire(keyId);
    const read = () =>
      getSyncJob(deps, workspaceId, id, jobId).catch((error: unknown) => {
        if (!(error instanceof AppError)) deps.logger.warn({ err: error, jobId }, 'a live-progress stream could not read its job');
        throw error;
      });
    return streamSSE(c, async (stream) => {
      try {
        await followJob(stream, (listener) => jobs.watch(`${workspaceId}/${id}/${jobId}`, read, listener), deps.limits.streamIdleMs);
      } finally {
        release();
      }
    }) as never;
  });
}
