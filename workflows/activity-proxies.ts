import { ApplicationFailure, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';

/** Database steps: retried for a while, since an outage of the database is temporary. */
export const databaseSteps = proxyActivities<
  Pick<
    Activities,
    | 'applyConnectorChanges'
    | 'beginSync'
    | 'bindConnectorCredential'
    | 'getConnector'
    | 'insertConnector'
    | 'restartSync'
    | 'setConnectorState'
    | 'storeSealedCredential'
  >
>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '10 seconds', maximumAttempts: 10 },
});

/** Steps whose failure is compensated: a few attempts only, since the caller is waiting. */
export const compensatedSteps = proxyActivities<Pick<Activities, 'createConnectorSchedules' | 'reconcileConnectorSchedules'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumAttempts: 3 },
});

/**
 * The database and schedule steps of a creation as local activities: they run inside the workflow
 * task, with no server round trip each, so a creation takes one workflow task. Their results are
 * recorded when the task completes, so after a crash they run again, after steps that followed them:
 * each is safe to repeat so (a claim finds the row it moved on, a schedule of this creation is
 * accepted, a repeated state change is a no-op). Retried as databaseSteps and compensatedSteps are.
 */
export const localDatabaseSteps = proxyLocalActivities<Pick<Activities, 'claimCreatedConnector' | 'setConnectorState'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '10 seconds', maximumAttempts: 10 },
});
export const localCompensatedSteps = proxyLocalActivities<Pick<Activities, 'createConnectorSchedules'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumAttempts: 3 },
});

/** Checks talk to the source; a refused credential comes back as a value, not an error. */
export const checkSteps = proxyActivities<Pick<Activities, 'checkConnectorCredential'>>({
  startToCloseTimeout: '90 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/** Compensations and clean-ups retry until they succeed: they must not be left half done. */
export const cleanupSteps = proxyActivities<
  Pick<
    Activities,
    'cancelConnectorRuns' | 'deleteConnectorData' | 'deleteConnectorSchedules' | 'removeCreatedConnectorRow' | 'removeCreatedSchedules' | 'restoreConnector'
  >
>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Ending a job must happen even after a failure or a cancel. */
export const finishSteps = proxyActivities<Pick<Activities, 'finishSync'>>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** The reason carried by a failed activity, for the workflow's own failure message. */
export function failureReason(error: unknown): { message: string; type: string | undefined } {
  // A remote activity's failure comes wrapped in an ActivityFailure; a local activity's comes as it was thrown.
  const cause: (Error & { type?: string | null }) | undefined =
    error instanceof ApplicationFailure ? error : error instanceof Error ? (error.cause as (Error & { type?: string }) | undefined) : undefined;
  return { message: cause?.message ?? (error instanceof Error ? error.message : String(error)), type: cause?.type ?? undefined };
}
