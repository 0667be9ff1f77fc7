import {
  ActivityCancellationType,
  CancellationScope,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  defineSignal,
  executeChild,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.ts';
import type { ConnectorLabel, SyncState } from '../activities/sync-activities.ts';
import type { SyncCounters, SyncMode, SyncPhase, SyncStatus, SyncTrigger } from '../domain/sync-job.ts';
import { progressEstimate } from '../domain/sync-progress.ts';
import { workflowIds } from '../domain/workflow-ids.ts';
import { databaseSteps, failureReason, finishSteps } from './activity-proxies.ts';
import { disconnectConnector } from './disconnect-connector.ts';
import { connectorTitle, outcomeDetails } from './job-details.ts';

/**
 * Pages go through the source, which may be slow or rate-limited: long timeouts, heartbeats, patient
 * retries. A page cut short by cancel or resync is waited for until it has stopped, so that a
 * restarted run never overlaps the old attempt's writes (its crawl frontier, its commit).
 * A long rate limit retries the page when it ends (the failure's `nextRetryDelay`) and costs an
 * attempt, so the budget leaves room for about a dozen such rounds beside a dozen real failures
 * (about 12 minutes of outage at this backoff).
 */
const pageSteps = proxyActivities<Pick<Activities, 'syncPage'>>({
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 24 },
});

/** Pages per run before continuing as new, so history stays far below its limits. */
const PAGES_PER_RUN = 200;

/** Live progress of a sync, answered by the `progress` query. */
export interface SyncProgress extends SyncCounters {
  jobId: string;
  status: SyncStatus;
  phase: SyncPhase;
  mode: SyncMode;
  total: number | null;
  percent: number | null;
  etaSeconds: number | null;
  startedAt: string;
  updatedAt: string;
}

/** `progress`: status, phase, counters, and percent and ETA where the source tells its total. */
export const progressQuery = defineQuery<SyncProgress | null>('progress');
/**
 * `cancel`: stop after the current page with status `canceled`, keeping the counters; the run then
 * completes with result status `canceled`. Temporal's own cancel request (the API's cancel, the UI's,
 * `temporal workflow cancel`) does the same and ends the run as Canceled; a workflow cannot cancel itself.
 */
export const cancelSignal = defineSignal('cancel');
/** `resync`: start over as a full sync. */
export const resyncSignal = defineSignal('resync');

/**
 * Input of `syncConnector`. The API queues a job and starts workflow `connector-sync-<connectorId>-<jobId>`;
 * a schedule starts `connector-sync-<connectorId>` (Temporal appends the scheduled time) with no job,
 * and the run opens its own.
 * @example
 * // POST /v1/connectors/{id}/sync
 * { connectorId: 'conn_3f2a9c', trigger: 'manual', mode: 'full', jobId: 'job_8d41e07b' }
 * // the connector's sync schedule
 * { connectorId: 'conn_3f2a9c', trigger: 'schedule' }
 */
export interface SyncConnectorInput {
  connectorId: string;
  trigger: SyncTrigger;
  mode?: SyncMode;
  /** A job the API queued; absent when a schedule starts the run. */
  jobId?: string;
  /** Carried over by continue-as-new. */
  resume?: SyncState;
  /** Carried over by continue-as-new, to name the connector in the Temporal UI. */
  connector?: ConnectorLabel;
  /** Pages per run before continuing as new (default 200). */
  pagesPerRun?: number;
}

export type SyncConnectorResult = { status: 'succeeded' | 'canceled' | 'failed'; jobId: string } | { status: 'skipped'; activeJobId: string };

/**
 * Reads the source page by page; each page is one activity that reads, parses and upserts, so no
 * document passes through history. A full sync removes what the source no longer has.
 */
export async function syncConnector(input: SyncConnectorInput): Promise<SyncConnectorResult> {
  let cancelRequested = false;
  let resyncRequested = false;
  let pageScope: CancellationScope | undefined;
  setHandler(cancelSignal, () => {
    cancelRequested = true;
    pageScope?.cancel();
  });
  setHandler(resyncSignal, () => {
    resyncRequested = true;
    pageScope?.cancel();
  });

  let state: SyncState;
  let connector = input.connector;
  if (input.resume) {
    state = input.resume;
  } else {
    const begun = await begin(input);
    if (!begun.started) return { status: 'skipped', activeJobId: begun.activeJobId };
    state = begun.state;
    connector = begun.connector;
  }
  const title = connectorTitle(connector, input.connectorId);
  let phase: SyncPhase = 'reading';
  let status: SyncStatus = 'running';
  let updatedAt = new Date().toISOString();
  setHandler(progressQuery, () => ({
    jobId: state.jobId,
    status: cancelRequested && status === 'running' ? 'canceling' : status,
    phase,
    mode: state.mode,
    ...state.counters,
    total: state.total,
    ...progressEstimate({ done: state.counters.collected, total: state.total, startedAt: state.startedAt, now: new Date(), status }),
    startedAt: state.startedAt,
    updatedAt,
  }));
  setCurrentDetails(`Syncing ${title} (${input.connectorId}), job ${state.jobId}`);
  const showOutcome = (finished: SyncState & { status: SyncStatus }, reason?: string) =>
    setCurrentDetails(
      outcomeDetails({ kind: 'sync', title, connectorId: input.connectorId, jobId: state.jobId, status: finished.status, counters: finished.counters, reason }),
    );

  try {
    const pagesPerRun = input.pagesPerRun ?? PAGES_PER_RUN;
    for (let pagesThisRun = 0; ;) {
      if (cancelRequested) break;
      if (resyncRequested) {
        resyncRequested = false;
        state = await databaseSteps.restartSync(state.jobId);
      }
      if (pagesThisRun >= pagesPerRun || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof syncConnector>({ ...input, resume: state, ...(connector ? { connector } : {}) });
      }
      pageScope = new CancellationScope();
      let result;
      try {
        const current = state;
        result = await pageScope.run(() =>
          pageSteps.syncPage({ jobId: current.jobId, page: current.page, checkpoint: current.checkpoint, maxPages: pagesPerRun - pagesThisRun }),
        );
      } catch (error) {
        // A page cut short by a signal is read again (resync) or not at all (cancel).
        if (isCancellation(error) && (cancelRequested || resyncRequested) && !CancellationScope.current().consideredCancelled) continue;
        throw error;
      } finally {
        pageScope = undefined;
      }
      const { done, stopped, ...next } = result;
      // At least one, so that a run whose pages went back (a resync) still reaches its end.
      pagesThisRun += Math.max(1, next.page - state.page);
      state = next;
      updatedAt = new Date().toISOString();
      if (stopped) {
        cancelRequested = true;
        break;
      }
      if (done) break;
    }
    phase = cancelRequested ? 'done' : state.mode === 'full' ? 'removing_deleted' : 'done';
    const finished = await CancellationScope.nonCancellable(() =>
      finishSteps.finishSync({ jobId: state.jobId, status: cancelRequested ? 'canceled' : 'succeeded', removeUnseen: state.mode === 'full' }),
    );
    state = { ...state, counters: finished.counters };
    status = finished.status;
    phase = 'done';
    showOutcome(finished);
    // A sync whose every item failed is failed, whatever the read did.
    return { status: finished.status === 'failed' ? 'failed' : cancelRequested ? 'canceled' : 'succeeded', jobId: state.jobId };
  } catch (error) {
    // Continue-as-new leaves the job running for the next run; it is not an ending.
    if (error instanceof ContinueAsNew) throw error;
    const canceled = isCancellation(error);
    const reason = failureReason(error).message;
    const finished = await CancellationScope.nonCancellable(() =>
      finishSteps.finishSync({ jobId: state.jobId, status: canceled ? 'canceled' : 'failed', removeUnseen: false, ...(canceled ? {} : { error: reason }) }),
    );
    status = finished.status;
    phase = 'done';
    showOutcome(finished, canceled ? undefined : reason);
    // Temporal asked for the cancel: rethrown, the cancellation ends the run as Canceled.
    if (canceled) throw error;
    if (failureReason(error).type === 'CredentialRefused') await CancellationScope.nonCancellable(() => disconnect(input.connectorId, title, reason));
    throw error;
  }
}

/**
 * Starts (or picks up) the run's job. A job the API queued and Temporal canceled before it began ends
 * canceled here, rather than waiting for the API to find its workflow closed.
 */
async function begin(input: SyncConnectorInput) {
  try {
    return await databaseSteps.beginSync({
      connectorId: input.connectorId,
      trigger: input.trigger,
      mode: input.mode ?? 'incremental',
      ...(input.jobId ? { jobId: input.jobId } : {}),
      workflowId: workflowInfo().workflowId,
    });
  } catch (error) {
    const { jobId } = input;
    if (isCancellation(error) && jobId) {
      await CancellationScope.nonCancellable(() => finishSteps.finishSync({ jobId, status: 'canceled', removeUnseen: false }));
    }
    throw error;
  }
}

/**
 * Disconnects the connector whose credential the source refused, as a change of the connector: it
 * waits its turn behind any change already running. A connector that is gone needs nothing.
 */
async function disconnect(connectorId: string, title: string, reason: string): Promise<void> {
  for (;;) {
    try {
      await executeChild(disconnectConnector, {
        workflowId: workflowIds.connectorChange(connectorId),
        args: [{ connectorId, reason }],
        staticSummary: `Disconnect ${title}: its credential was refused`,
      });
      return;
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) return;
      await sleep('1 second');
    }
  }
}
