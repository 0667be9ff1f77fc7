import { ActivityCancellationType, CancellationScope, isCancellation, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { databaseSteps, failureReason, finishSteps } from './activity-proxies.ts';

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
  | { connectorId: string; jobId: string; status: 'canceled' }
  | { connectorId: string; status: 'skipped'; activeJobId: string };

/**
 * Removes the documents whose ids the source no longer lists, without reading any content. A prune is
 * a job of its connector: it is skipped while a sync runs, and a sync waits for it (409) meanwhile.
 */
export async function pruneConnector(input: PruneConnectorInput): Promise<PruneConnectorResult> {
  const { connectorId } = input;
  const begun = await databaseSteps.beginSync({ connectorId, trigger: input.trigger, mode: 'full', kind: 'prune', workflowId: workflowInfo().workflowId });
  if (!begun.started) return { connectorId, status: 'skipped', activeJobId: begun.activeJobId };
  const { jobId } = begun.state;
  setCurrentDetails(`Pruning connector **${connectorId}**, job ${jobId}`);
  try {
    const result = await pruneSteps.pruneDocuments({ jobId });
    await finishSteps.finishSync({ jobId, status: 'succeeded', removeUnseen: false });
    return { connectorId, jobId, status: 'succeeded', deleted: result.deleted, listed: result.listed };
  } catch (error) {
    const canceled = isCancellation(error);
    await CancellationScope.nonCancellable(() =>
      finishSteps.finishSync({
        jobId,
        status: canceled ? 'canceled' : 'failed',
        removeUnseen: false,
        ...(canceled ? {} : { error: failureReason(error).message }),
      }),
    );
    if (canceled) return { connectorId, jobId, status: 'canceled' };
    throw error;
  }
}
