import type { Connector } from '../domain/connector.ts';
import type { ConnectorState } from '../domain/connector-state.ts';
import { cleanupSteps, compensatedSteps, databaseSteps } from './activity-proxies.ts';
import { compensated } from './compensation.ts';

/**
 * Input of `pauseConnector` and `resumeConnector`, workflow id `connector-change-<connectorId>`.
 * @example { connectorId: 'conn_1' }
 */
export interface ConnectorStateChangeInput {
  connectorId: string;
}

async function changeState(connectorId: string, state: ConnectorState, reason: string | null): Promise<Connector> {
  const previous = await databaseSteps.getConnector(connectorId);
  const current = await databaseSteps.setConnectorState({ connectorId, state, reason });
  await compensated(
    () => compensatedSteps.reconcileConnectorSchedules({ connectorId }),
    () => cleanupSteps.restoreConnector({ previous, current }),
    {
      type: 'ScheduleUpdateFailed',
      message: (reason) => `The schedules of connector ${connectorId} could not follow, so its state was put back: ${reason}`,
    },
  );
  return current;
}

/** Pauses the connector and its schedules; a running sync finishes. */
export async function pauseConnector({ connectorId }: ConnectorStateChangeInput): Promise<Connector> {
  return changeState(connectorId, 'paused', 'Paused through the API');
}

/** Resumes the connector: connected when it has what it needs, else auth_required; schedules follow. */
export async function resumeConnector({ connectorId, needsCredential }: ConnectorStateChangeInput & { needsCredential: boolean }): Promise<Connector> {
  const connector = await databaseSteps.getConnector(connectorId);
  const missing = needsCredential && !connector.credentialId;
  return missing ? changeState(connectorId, 'auth_required', 'A credential is required') : changeState(connectorId, 'connected', null);
}
