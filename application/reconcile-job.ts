import { changeSyncJobStatus, findSyncJobRow } from '../db/repositories/sync-jobs.ts';
import type { SyncJobRow } from '../db/schema.ts';
import { activeSyncStatuses, type SyncStatus } from '../domain/sync-job.ts';
import { closedWorkflowStatus } from '../temporal/workflow-gateway.ts';
import type { AppDependencies } from './dependencies.ts';

/** The API writes a job's row just before it starts its workflow; until then NOT_FOUND means not started yet. */
const START_GRACE_MS = 60_000;

/**
 * Ends an active job whose workflow has closed without finishing it (terminated from the Temporal UI,
 * timed out) or is gone, so it neither shows as running forever nor blocks the next sync. Answers
 * the row as it now stands. While Temporal cannot tell, the row is left as it is.
 */
export async function reconcileJob(deps: AppDependencies, row: SyncJobRow): Promise<SyncJobRow> {
  if (!activeSyncStatuses.includes(row.status as SyncStatus) || !row.workflow_id) return row;
  let ended: string | undefined;
  try {
    ended = await closedWorkflowStatus(deps.temporal.workflow, row.workflow_id);
  } catch (error) {
    deps.logger.debug({ err: error, jobId: row.id }, 'the workflow of an active job could not be described; answering from the database');
    return row;
  }
  if (!ended || (ended === 'NOT_FOUND' && deps.now().getTime() - Date.parse(row.created_at) < START_GRACE_MS)) return row;
  // Conditional: a workflow that finished the job just before it closed keeps the outcome it wrote.
  await changeSyncJobStatus(deps.db, row.id, 'failed', {
    finished: true,
    phase: 'done',
    error: `The workflow ended without finishing the job (${ended})`,
    now: deps.now().toISOString(),
  });
  return (await findSyncJobRow(deps.db, row.id)) ?? row;
}
