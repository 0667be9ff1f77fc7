import type { Connector } from '../domain/connector.ts';
import { compensatedSteps, databaseSteps } from './activity-proxies.ts';

/**
 * Input of `disconnectConnector`, workflow id `connector-change-<connectorId>`, started by a sync
 * whose credential the source refused for good.
 * @example { connectorId: 'conn_1', reason: 'PostgreSQL refused the login: role "reader" is not permitted to log in' }
 */
export interface DisconnectConnectorInput {
  connectorId: string;
  reason: string;
}

/**
 * Moves the connector to `disconnected` with the source's reason and pauses its schedules, so it stops
 * failing on a schedule; binding a working credential connects it again. A connector being deleted is left alone.
 */
export async function disconnectConnector({ connectorId, reason }: DisconnectConnectorInput): Promise<Connector> {
  const connector = await databaseSteps.getConnector(connectorId);
  if (connector.state === 'deleting') return connector;
  const current = await databaseSteps.setConnectorState({ connectorId, state: 'disconnected', reason });
  await compensatedSteps.reconcileConnectorSchedules({ connectorId });
  return current;
}
