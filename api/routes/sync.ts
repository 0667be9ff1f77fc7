import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { isUniqueViolation } from '../../db/database.ts';
import { changeSyncJobStatus, findActiveSyncJobRow, findSyncJobRow, insertSyncJob, lastSucceededStart, listSyncJobs } from '../../db/repositories/sync-jobs.ts';
import { newId } from '../../domain/ids.ts';
import { activeSyncStatuses, syncJobSchema, syncModes, syncStatuses } from '../../domain/sync-job.ts';
import { workflowIds } from '../../temporal/ids.ts';
import { connectorSearchAttributes } from '../../temporal/search-attributes.ts';
import type { SyncConnectorInput } from '../../workflows/sync-connector.ts';
import { requireWorkspaceConnector } from '../connector-lookup.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
import { listQuerySchema, pageEnvelope } from '../list-query.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';
import { liveSyncJob, requireSyncJobRow } from '../sync-jobs.ts';

const connectorParam = z.object({ id: z.string() });
const jobParams = z.object({ id: z.string(), jobId: z.string() });
const queuedSchema = z.object({ jobId: z.string(), status: z.enum(syncStatuses), startedAt: z.iso.datetime() }).meta({ id: 'SyncQueued' });

const trigger = createRoute({
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

const status = createRoute({
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

const history = createRoute({
  method: 'get',
  path: '/v1/connectors/{id}/syncs',
  tags: ['Syncs'],
  summary: 'Sync history of a connector, oldest first',
  security: bearerSecurity,
  request: { params: connectorParam, query: listQuerySchema },
  responses: {
    200: { description: 'A page of jobs', content: { 'application/json': { schema: pageEnvelope(syncJobSchema) } } },
    ...errorResponses(400, 401, 404, 503),
  },
});

function signalRoute(action: 'cancel' | 'resync') {
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

const events = createRoute({
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

export function registerSync(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(trigger, async (c) => {
    const connector = await requireWorkspaceConnector(deps, c.get('principal').workspaceId, c.req.valid('param').id);
    if (connector.state !== 'connected') {
      throw new ApiError(409, 'conflict', `Connector ${connector.id} is ${connector.state}${connector.stateReason ? ` (${connector.stateReason})` : ''}; it syncs once connected`);
    }
    // The body is optional, as in `POST /v1/connectors/{id}/sync` with none.
    const mode = (c.req.valid('json') as { mode?: 'incremental' | 'full' } | undefined)?.mode ?? 'incremental';
    const since = mode === 'incremental' ? await lastSucceededStart(deps.db, connector.id) : null;
    const jobId = newId('job');
    const workflowId = workflowIds.syncJob(connector.id, jobId);
    const now = deps.now().toISOString();
    try {
      await insertSyncJob(deps.db, { id: jobId, workspaceId: connector.workspaceId, connectorId: connector.id, mode: since ? 'incremental' : 'full', trigger: 'manual', status: 'queued', since, workflowId, now });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const active = await findActiveSyncJobRow(deps.db, connector.id);
      throw new ApiError(409, 'conflict', `A sync of connector ${connector.id} is already active`, { jobId: active?.id ?? null });
    }
    const input: SyncConnectorInput = { connectorId: connector.id, trigger: 'manual', mode, jobId };
    try {
      await deps.temporal.workflow.start('syncConnector', {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        typedSearchAttributes: connectorSearchAttributes(connector),
        staticSummary: `Sync ${connector.type} connector "${connector.name}" (${connector.id}), job ${jobId}`,
      });
    } catch (error) {
      // The job must not stay queued for a workflow that never started.
      await changeSyncJobStatus(deps.db, jobId, 'failed', { finished: true, phase: 'done', error: 'The sync workflow could not be started', now: deps.now().toISOString() });
      throw error;
    }
    return c.json({ data: { jobId, status: 'queued' as const, startedAt: now } }, 202);
  });

  app.openapi(status, async (c) => {
    const { id, jobId } = c.req.valid('param');
    const row = await requireSyncJobRow(deps, c.get('principal').workspaceId, id, jobId);
    return c.json({ data: await liveSyncJob(deps, row) }, 200);
  });

  app.openapi(history, async (c) => {
    const connector = await requireWorkspaceConnector(deps, c.get('principal').workspaceId, c.req.valid('param').id);
    const page = await listSyncJobs(deps.db, connector.id, c.req.valid('query'), deps.now());
    return c.json({ data: page.items, nextCursor: page.nextCursor }, 200);
  });

  for (const action of ['cancel', 'resync'] as const) {
    app.openapi(signalRoute(action), async (c) => {
      const { id, jobId } = c.req.valid('param');
      const row = await requireSyncJobRow(deps, c.get('principal').workspaceId, id, jobId);
      if (!activeSyncStatuses.includes(row.status as never) || !row.workflow_id) {
        throw new ApiError(409, 'conflict', `Sync job ${jobId} is ${row.status}; only an active sync can be ${action === 'cancel' ? 'canceled' : 'restarted'}`);
      }
      if (action === 'cancel') await changeSyncJobStatus(deps.db, jobId, 'canceling', { now: deps.now().toISOString() });
      // Signals go by workflow id only, so they reach the latest run after continue-as-new.
      await deps.temporal.workflow.getHandle(row.workflow_id).signal(action);
      const updated = (await findSyncJobRow(deps.db, jobId)) ?? row;
      return c.json({ data: await liveSyncJob(deps, updated) }, 202);
    });
  }

  app.openapi(events, async (c) => {
    const { id, jobId } = c.req.valid('param');
    const { workspaceId } = c.get('principal');
    await requireSyncJobRow(deps, workspaceId, id, jobId);
    return streamSSE(c, async (stream) => {
      for (let sequence = 0; !stream.aborted; sequence += 1) {
        const row = await requireSyncJobRow(deps, workspaceId, id, jobId);
        const job = await liveSyncJob(deps, row);
        const ended = !activeSyncStatuses.includes(job.status);
        await stream.writeSSE({ event: ended ? 'end' : 'progress', id: String(sequence), data: JSON.stringify(job) });
        if (ended) break;
        await stream.sleep(1000);
      }
    }) as never;
  });
}
