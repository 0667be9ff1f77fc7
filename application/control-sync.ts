import { WorkflowNotFoundError } from '@temporalio/client';
import { changeSyncJobStatus, findSyncJobRow, toSyncJob } from '../db/repositories/sync-jobs.ts';
import type { SyncJobRow } from '../db/schema.ts';
import { activeSyncStatuses, type SyncJob } from '../domain/sync-job.ts';
import { resyncSignal } from '../workflows/sync-connector.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';
import { reconcileJob } from './reconcile-job.ts';
import { requireSyncJobRow } from './sync-status.ts';

export type SyncControl = 'cancel' | 'resync';

/** Tells a running job to stop (`cancel`), or a running sync to start over as a full sync (`resync`). */
export async function controlSync(deps: AppDependencies, workspaceId: string, connectorId: string, jobId: string, action: SyncControl): Promise<SyncJob> {
  const row = await reconcileJob(deps, await requireSyncJobRow(deps, workspaceId, connectorId, jobId));
  if (!activeSyncStatuses.includes(row.status as never) || !row.workflow_id) throw notActive(row, action);
  if (row.kind === 'prune' && action === 'resync') throw new AppError('conflict', `Job ${jobId} is a prune; only a sync can be restarted`);
  if (action === 'cancel' && !(await changeSyncJobStatus(deps.db, jobId, 'canceling', { now: deps.now().toISOString() }))) {
    throw new AppError('conflict', `Sync job ${jobId} ended before it could be canceled`);
  }
  const workflow = deps.temporal.workflow.getHandle(row.workflow_id);
  try {
    // Cancel is Temporal's own cancel request, so the run ends as Canceled in the Temporal UI; resync
    // is a signal. Both go by workflow id only and so reach the latest run after continue-as-new.
    await (action === 'cancel' ? workflow.cancel() : workflow.signal(resyncSignal));
  } catch (error) {
    // The workflow closed since the job was read: the job ends with it, as a read would have found.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    throw notActive(await reconcileJob(deps, (await findSyncJobRow(deps.db, jobId)) ?? row), action);
  }
  return toSyncJob((await findSyncJobRow(deps.db, jobId)) ?? row, deps.now());
}

function notActive(row: SyncJobRow, action: SyncControl): AppError {
  return new AppError(
    'conflict',
    `Sync job ${row.id} is ${row.status}${row.error ? ` (${row.error})` : ''}; only an active sync can be ${action === 'cancel' ? 'canceled' : 'restarted'}`,
    { jobId: row.id, status: row.status },
  );
}
