import type { Connector, ConnectorChanges } from '../domain/connector.ts';
import { cleanupSteps, compensatedSteps, databaseSteps } from './activity-proxies.ts';
import { compensated } from './compensation.ts';

/**
 * Input of `updateConnector`, workflow id `connector-change-<connectorId>`.
 * @example { connectorId: 'conn_1', changes: { schedule: { type: 'interval', everySeconds: 600 } } }
 */
export interface UpdateConnectorInput {
  connectorId: string;
  changes: ConnectorChanges;
}

/** Updates the row, then the Temporal Schedules; if the schedules cannot follow, the row is put back. */
export async function updateConnector(input: UpdateConnectorInput): Promise<Connector> {
  const { previous, current } = await databaseSteps.applyConnectorChanges(input);
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
