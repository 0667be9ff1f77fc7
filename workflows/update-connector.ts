import type { Connector, ConnectorChanges } from '../domain/connector.ts';
import { checkSteps, cleanupSteps, compensatedSteps, databaseSteps } from './activity-proxies.ts';
import { compensated } from './compensation.ts';

/**
 * Input of `updateConnector`, workflow id `connector-change-<connectorId>`.
 * @example { connectorId: 'conn_1', changes: { schedule: { type: 'interval', everySeconds: 600 } }, needsCredential: true }
 */
export interface UpdateConnectorInput {
  connectorId: string;
  changes: ConnectorChanges;
  /** Whether the source type needs a credential before it can sync; settles a connector that gets its first config. */
  needsCredential?: boolean;
}

/**
 * Updates the row, then the Temporal Schedules; if the schedules cannot follow, the row is put back.
 * A connector in `needs_configuration` that gets its config is checked and becomes connected or auth_required.
 */
export async function updateConnector(input: UpdateConnectorInput): Promise<Connector> {
  const { previous, current: changed } = await databaseSteps.applyConnectorChanges(input);
  const current = previous.state === 'needs_configuration' && input.changes.config ? await settleConfigured(changed, input.needsCredential === true) : changed;
  await compensated(
    () => compensatedSteps.reconcileConnectorSchedules({ connectorId: input.connectorId }),
    async () => {
      await cleanupSteps.restoreConnector({ previous, current });
      // Best effort: a schedule that took part of the change is put back too, unless the service is still down.
      await compensatedSteps.reconcileConnectorSchedules({ connectorId: input.connectorId }).catch(() => undefined);
    },
    {
      type: 'ScheduleUpdateFailed',
      message: (reason) => `The schedules of connector ${input.connectorId} could not be updated, so the change was undone: ${reason}`,
    },
  );
  return current;
}

/** As a creation does: checks the connection where a credential is bound, then marks the connector connected or auth_required. */
async function settleConfigured(connector: Connector, needsCredential: boolean): Promise<Connector> {
  const { id: connectorId, credentialId } = connector;
  let authReason: string | null = needsCredential && !credentialId ? 'A credential is required' : null;
  if (credentialId) {
    const check = await checkSteps.checkConnectorCredential({ connectorId, credentialId });
    if (!check.ok) authReason = check.reason;
  }
  return authReason === null
    ? databaseSteps.setConnectorState({ connectorId, state: 'connected', reason: null })
    : databaseSteps.setConnectorState({ connectorId, state: 'auth_required', reason: authReason });
}
