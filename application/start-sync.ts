import { changeSyncJobStatus, findSyncJobRow } from '../db/repositories/sync-jobs.ts';
import { openSyncJob } from '../db/repositories/sync-job-start.ts';
import { shownConnectorId } from '../domain/connector-ids.ts';
import { newId } from '../domain/ids.ts';
import { activeSyncStatuses, type SyncMode, type SyncStatus } from '../domain/sync-job.ts';
import { workflowIds } from '../domain/workflow-ids.ts';
import { connectorSearchAttributes } from '../temporal/search-attributes.ts';
import { syncConnector } from '../workflows/sync-connector.ts';
import { requireConnector } from './connector-lookup.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';
import { reconcileJob } from './reconcile-job.ts';

/**
 * Queues a sync job of a connected connector and starts its workflow. The job row exists before the
 * workflow, so its id can be answered at once; a second sync while one is active is a conflict.
 */
export async function startSync(
  deps: AppDependencies,
  workspaceId: string,
  connectorId: string,
  mode: SyncMode = 'incremental',
): Promise<{ jobId: string; status: 'queued'; startedAt: string }> {
  const connector = await requireConnector(deps, workspaceId, connectorId);
  if (connector.state !== 'connected') {
    throw new AppError(
      'conflict',
      `Connector ${shownConnectorId(connector)} is ${connector.state}${connector.stateReason ? ` (${connector.stateReason})` : ''}; it syncs once connected`,
    );
  }
  const jobId = newId('job');
  const workflowId = workflowIds.syncJob(connector.id, jobId);
  const now = deps.now().toISOString();
  const open = () =>
    openSyncJob(deps.db, {
      id: jobId,
      workspaceId: connector.workspaceId,
      connectorId: connector.id,
      kind: 'sync',
      requestedMode: mode,
      trigger: 'manual',
      status: 'queued',
      workflowId,
      now,
    });
  let opened = await open();
  // The active job may be one whose workflow was ended behind our back; once it is marked so, this one may run.
  if (!opened.opened && (await activeJobEnded(deps, opened.activeJobId))) opened = await open();
  if (!opened.opened)
    throw new AppError('conflict', `A job of connector ${shownConnectorId(connector)} is already active (${opened.activeJobId}); one runs at a time`, {
      jobId: opened.activeJobId,
    });
  try {
    await deps.temporal.workflow.start(syncConnector, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [{ connectorId: connector.id, trigger: 'manual', mode, jobId }],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: connectorSearchAttributes(connector),
      staticSummary: `Sync ${connector.type} connector "${connector.name}" (${connector.id}), job ${jobId}`,
    });
  } catch (error) {
    // The job must not stay queued for a workflow that never started.
    await changeSyncJobStatus(deps.db, jobId, 'failed', {
      finished: true,
      phase: 'done',
      error: 'The sync workflow could not be started',
      now: deps.now().toISOString(),
    });
    throw error;
  }
  return { jobId, status: 'queued', startedAt: now };
}

async function activeJobEnded(deps: AppDependencies, jobId: string): Promise<boolean> {
  const row = await findSyncJobRow(deps.db, jobId);
  return !row || !activeSyncStatuses.includes((await reconcileJob(deps, row)).status as SyncStatus);
}
