import { ApplicationFailure, CancellationScope } from '@temporalio/workflow';
import { failureReason } from './activity-proxies.ts';

/**
 * Runs `step`; if it fails, runs `undo` where cancellation cannot cut it short, then fails the
 * workflow for good, with the step's failure type (or `failure.type`) and its reason in the message.
 * @example
 * await compensated(() => compensatedSteps.reconcileConnectorSchedules({ connectorId }), () => cleanupSteps.restoreConnector(previous), {
 *   type: 'ScheduleUpdateFailed',
 *   message: (reason) => `The schedules of connector ${connectorId} could not follow, so its state was put back: ${reason}`,
 * });
 */
export async function compensated<T>(
  step: () => Promise<T>,
  undo: () => Promise<void>,
  failure: { type: string; message: (reason: string) => string },
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    await CancellationScope.nonCancellable(undo);
    const reason = failureReason(error);
    throw ApplicationFailure.create({ type: reason.type ?? failure.type, message: failure.message(reason.message), nonRetryable: true });
  }
}
