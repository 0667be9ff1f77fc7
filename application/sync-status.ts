import { WorkflowNotFoundError } from '@temporalio/client';
import { findWorkspaceSyncJobRow, listSyncJobs, toSyncJob } from '../db/repositories/sync-jobs.ts';
import type { Page } from '../db/repositories/pagination.ts';
import type { SyncJobRow } from '../db/schema.ts';
import { activeSyncStatuses, type SyncJob, type SyncStatus } from '../domain/sync-job.ts';
import { progressQuery } from '../workflows/sync-connector.ts';
import { requireConnector } from './connector-lookup.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';

const QUERY_TIMEOUT_MS = 2000;

/** A job of the caller's workspace, live while it runs. */
export async function getSyncJob(deps: AppDependencies, workspaceId: string, connectorId: string, jobId: string): Promise<SyncJob> {
  return liveSyncJob(deps, await requireSyncJobRow(deps, workspaceId, connectorId, jobId));
}

/** The sync history of a connector of the caller's workspace. */
export async function listConnectorSyncJobs(
  deps: AppDependencies,
  workspaceId: string,
  connectorId: string,
  options: { cursor?: string | undefined; limit: number },
): Promise<Page<SyncJob>> {
  const connector = await requireConnector(deps, workspaceId, connectorId);
  return listSyncJobs(deps.db, connector.id, options, deps.now());
}

export async function requireSyncJobRow(deps: AppDependencies, workspaceId: string, connectorId: string, jobId: string): Promise<SyncJobRow> {
  const row = await findWorkspaceSyncJobRow(deps.db, workspaceId, connectorId, jobId);
  if (!row) throw new AppError('not_found', `Sync job ${jobId} not found`);
  return row;
}

/**
 * The job as the running workflow sees it, when it answers its `progress` query in time; otherwise
 * the job row, which the workflow keeps current, so status answers even with no worker up.
 */
export async function liveSyncJob(deps: AppDependencies, row: SyncJobRow): Promise<SyncJob> {
  const stored = toSyncJob(row, deps.now());
  if (!activeSyncStatuses.includes(stored.status) || !row.workflow_id) return stored;
  try {
    // A deadline rather than a race: an abandoned query would go on retrying in the background.
    const progress = await deps.temporal.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
      deps.temporal.workflow.getHandle(row.workflow_id!).query(progressQuery),
    );
    if (!progress || progress.jobId !== row.id) return stored;
    const { jobId: _jobId, status, phase, mode, startedAt: _startedAt, updatedAt, total, percent, etaSeconds, ...counters } = progress;
    // The row may know of a cancel the workflow has not yet acted on.
    const effective: SyncStatus = stored.status === 'canceling' && status === 'running' ? 'canceling' : status;
    return { ...stored, status: effective, phase, mode, updatedAt, progress: { ...counters, total, percent, etaSeconds } };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return stored;
    deps.logger.debug({ err: error, jobId: row.id }, 'progress query failed; answering from the database');
    return stored;
  }
}
