import { ActivityCancellationType, CancellationScope, isCancellation, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { SyncCounters, SyncStatus } from '../domain/sync-job.ts';
import { databaseSteps, failureReason, finishSteps } from './activity-proxies.ts';
import { connectorTitle, outcomeDetails } from './job-details.ts';

/** Listing goes through the source: patient retries. A canceled prune is waited for until it has stopped deleting. */
const pruneSteps = proxyActivities<Pick<Activities, 'pruneDocuments'>>({
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 8 },
});

/**
 * Input of `pruneConnector`, workflow id `connector-prune-<connectorId>` (a schedule appends its time).
 * @example { connectorId: 'conn_1', trigger: 'schedule' }
 */
export interface PruneConnectorInput {
  connectorId: string;
  trigger: 'schedule' | 'manual';
}

export type PruneConnectorResult =
  | { connectorId: string; jobId: string; status: 'succeeded'; deleted: number; listed: number }
  | { connectorId: string; status: 'skipped'; activeJobId: string };

/**
 * Removes the documents whose ids the source no longer lists, without reading any content. A prune is
 * a job of its connector: it is skipped while a sync runs, and a sync waits for it (409) meanwhile.
 * It stops on Temporal's cancel request, ending its job canceled and the run as Canceled.
 */
export async function pruneConnector(input: PruneConnectorInput): Promise<PruneConnectorResult> {
  const { connectorId } = input;
  const begun = await databaseSteps.beginSync({ connectorId, trigger: input.trigger, mode: 'full', kind: 'prune', workflowId: workflowInfo().workflowId });
  if (!begun.started) return { connectorId, status: 'skipped', activeJobId: begun.activeJobId };
  const { jobId } = begun.state;
  const title = connectorTitle(begun.connector, connectorId);
  setCurrentDetails(`Pruning ${title} (${connectorId}), job ${jobId}`);
  const showOutcome = (finished: { status: SyncStatus; counters: SyncCounters }, reason?: string) =>
    setCurrentDetails(outcomeDetails({ kind: 'prune', title, connectorId, jobId, status: finished.status, counters: finished.counters, reason }));
  try {
    const result = await pruneSteps.pruneDocuments({ jobId });
    showOutcome(await finishSteps.finishSync({ jobId, status: 'succeeded', removeUnseen: false }));
    return { connectorId, jobId, status: 'succeeded', deleted: result.deleted, listed: result.listed };
  } catch (error) {
    const canceled = isCancellation(error);
    const reason = canceled ? undefined : failureReason(error).message;
    const finished = await CancellationScope.nonCancellable(() =>
      finishSteps.finishSync({ jobId, status: canceled ? 'canceled' : 'failed', removeUnseen: false, ...(reason ? { error: reason } : {}) }),
    );
    showOutcome(finished, reason);
    // Rethrown, a cancellation ends the run as Canceled.
    throw error;
  }
}
