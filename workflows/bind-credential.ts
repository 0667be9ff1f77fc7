import type { Connector } from '../domain/connector.ts';
import { checkSteps, cleanupSteps, compensatedSteps, databaseSteps } from './activity-proxies.ts';
import { compensated } from './compensation.ts';

/**
 * Input of `bindCredential`, workflow id `connector-change-<connectorId>`.
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
  await compensated(
    () => compensatedSteps.reconcileConnectorSchedules({ connectorId: input.connectorId }),
    () => cleanupSteps.restoreConnector({ previous, current }),
    {
      type: 'ScheduleUpdateFailed',
      message: (reason) => `The schedules of connector ${input.connectorId} could not be resumed, so the binding was undone: ${reason}`,
    },
  );
  return { ok: true, connector: current };
}
