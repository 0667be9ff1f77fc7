import { WorkflowNotFoundError } from '@temporalio/client';
import { findSyncJobRow, findWorkspaceSyncJobRow, listSyncJobs, toSyncJob } from '../db/repositories/sync-jobs.ts';
import { decodeCursor, encodeCursor, type Page } from '../db/repositories/pagination.ts';
import { listSyncFailures } from '../db/repositories/sync-failures.ts';
import type { SyncJobRow } from '../db/schema.ts';
import { publicConnectorId } from '../domain/connector-ids.ts';
import type { Connector } from '../domain/connector.ts';
import { activeSyncStatuses, type SyncFailureItem, type SyncJob, type SyncStatus } from '../domain/sync-job.ts';
import { progressQuery } from '../workflows/sync-connector.ts';
import { requireConnector } from './connector-lookup.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';
import { reconcileJob } from './reconcile-job.ts';

const QUERY_TIMEOUT_MS = 2000;

/** A job of the caller's workspace, live while it runs; failed once its workflow has ended without finishing it. */
export async function getSyncJob(deps: AppDependencies, workspaceId: string, connectorId: string, jobId: string): Promise<SyncJob> {
  return liveSyncJob(deps, await reconcileJob(deps, await requireSyncJobRow(deps, workspaceId, connectorId, jobId)));
}

/**
 * The sync history of a connector of the caller's workspace; oldest first unless asked otherwise, as
 * the seed adapters read it in the order it happened.
 */
export async function listConnectorSyncJobs(
  deps: AppDependencies,
  workspaceId: string,
  connectorId: string,
  options: { cursor?: string | undefined; limit: number; order?: 'newest_first' | 'oldest_first' },
): Promise<Page<SyncJob>> {
  const connector = await requireConnector(deps, workspaceId, connectorId);
  return listSyncJobs(deps.db, connector.id, { ...options, order: options.order ?? 'oldest_first' }, deps.now());
}

/** The items a job could not deliver, in the order they failed. */
export async function listSyncJobFailures(
  deps: AppDependencies,
  workspaceId: string,
  connectorId: string,
  jobId: string,
  options: { cursor?: string | undefined; limit: number },
): Promise<Page<SyncFailureItem>> {
  const job = await requireSyncJobRow(deps, workspaceId, connectorId, jobId);
  const afterSeq = options.cursor ? failuresCursorSeq(options.cursor, job.id) : 0;
  const rows = await listSyncFailures(deps.db, job.id, { afterSeq, limit: options.limit + 1 });
  const items = rows.slice(0, options.limit);
  const last = items.at(-1);
  return {
    items: items.map(({ seq: _seq, ...failure }) => failure),
    nextCursor: rows.length > options.limit && last ? encodeCursor(String(last.seq), job.id) : null,
  };
}

export async function requireSyncJobRow(deps: AppDependencies, workspaceId: string, connectorId: string, jobId: string): Promise<SyncJobRow> {
  const row = await findWorkspaceSyncJobRow(deps.db, workspaceId, connectorId, jobId);
  if (!row) throw new AppError('not_found', `Sync job ${jobId} not found`);
  return row;
}

/**
 * The job as the running workflow sees it, when it answers its `progress` query in time, except a
 * rate limit, which only the row knows; otherwise the job row, which the workflow keeps current, so
 * status answers even with no worker up.
 */
export async function liveSyncJob(deps: AppDependencies, row: SyncJobRow): Promise<SyncJob> {
  const stored = toSyncJob(row, deps.now());
  // A prune has no progress query: its row is all there is.
  if (!activeSyncStatuses.includes(stored.status) || !row.workflow_id || row.kind === 'prune') return stored;
  try {
    // A deadline rather than a race: an abandoned query would go on retrying in the background.
    const progress = await deps.temporal.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
      deps.temporal.workflow.getHandle(row.workflow_id!).query(progressQuery),
    );
    if (!progress || progress.jobId !== row.id) return stored;
    const { jobId: _jobId, status, phase, mode, startedAt: _startedAt, updatedAt, total, percent, etaSeconds, ...counters } = progress;
    // The workflow tells of an ending only once the row holds it, so the row read before the query is stale.
    if (!activeSyncStatuses.includes(status)) {
      const ended = await findSyncJobRow(deps.db, row.id);
      return ended ? toSyncJob(ended, deps.now()) : stored;
    }
    // The row may know of a cancel the workflow has not yet acted on.
    const effective: SyncStatus = stored.status === 'canceling' && status === 'running' ? 'canceling' : status;
    // A rate-limited page waits in its activity's retry, where the workflow cannot see it: the row tells.
    const rateLimited = stored.phase === 'rate_limited' && stored.resumeAt !== null && Date.parse(stored.resumeAt) > deps.now().getTime();
    return {
      ...stored,
      status: effective,
      phase: rateLimited ? stored.phase : phase,
      resumeAt: rateLimited ? stored.resumeAt : null,
      mode,
      updatedAt,
      progress: { ...counters, total, percent, etaSeconds },
    };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return stored;
    deps.logger.debug({ err: error, jobId: row.id }, 'progress query failed; answering from the database');
    return stored;
  }
}

/** The position a failures cursor names: a sequence number of this very job, or a 400. */
function failuresCursorSeq(cursor: string, jobId: string): number {
  const [seq, cursorJobId] = decodeCursor(cursor);
  const position = Number(seq);
  if (cursorJobId !== jobId || !Number.isSafeInteger(position) || position < 0) {
    const message = 'cursor is not one this API returned for this job';
    throw new AppError('invalid_request', `Invalid query: cursor: ${message}`, { issues: [{ path: ['cursor'], message, code: 'custom' }] });
  }
  return position;
}

/**
 * The connector of a sync job named by its id alone, as Elastic's sync job API names it; another
 * workspace's job does not exist for the caller.
 */
export async function connectorOfSyncJob(deps: AppDependencies, workspaceId: string, jobId: string): Promise<Connector> {
  const row = await findSyncJobRow(deps.db, jobId);
  if (row?.workspace_id !== workspaceId) throw new AppError('not_found', `Sync job ${jobId} not found`);
  return requireConnector(deps, workspaceId, publicConnectorId(workspaceId, row.connector_id));
}
