import { ApplicationFailure, CancellationScope } from '@temporalio/workflow';
import type { Connector } from '../domain/connector.ts';
import { checkSteps, cleanupSteps, compensatedSteps, databaseSteps, failureReason } from './activity-proxies.ts';

/**
 * Input of `bindCredential`, workflow id `connector-bind-<connectorId>`.
 * @example { connectorId: 'conn_1', credentialId: 'cred_1' }
 */
export interface BindCredentialInput {
  connectorId: string;
  credentialId: string;
}

export type BindCredentialResult = { ok: true; connector: Connector } | { ok: false; reason: string };

/**
 * Checks the credential against the source; if it works, binds it, moves `auth_required` to
 * `connected` and unpauses the schedules. A refused credential changes nothing.
 */
export async function bindCredential(input: BindCredentialInput): Promise<BindCredentialResult> {
  const check = await checkSteps.checkConnectorCredential(input);
  if (!check.ok) return { ok: false, reason: check.reason };
  const { previous, current } = await databaseSteps.bindConnectorCredential(input);
  try {
    await compensatedSteps.reconcileConnectorSchedules({ connectorId: input.connectorId });
  } catch (error) {
    await CancellationScope.nonCancellable(() => cleanupSteps.restoreConnector(previous));
    throw ApplicationFailure.create({
      type: 'ScheduleUpdateFailed',
      message: `The schedules of connector ${input.connectorId} could not be resumed, so the binding was undone: ${failureReason(error).message}`,
      nonRetryable: true,
    });
  }
  return { ok: true, connector: current };
}
