import { setCurrentDetails } from '@temporalio/workflow';
import { cleanupSteps, databaseSteps } from './activity-proxies.ts';

/**
 * Input of `deleteConnector`, workflow id `connector-delete-<connectorId>`.
 * @example { connectorId: 'conn_1' }
 */
export interface DeleteConnectorInput {
  connectorId: string;
}

/**
 * Marks the connector `deleting`, cancels its running sync and prune, removes its schedules, its
 * documents and the row. Every step is repeatable, so a retried or resumed delete finishes the job.
 */
export async function deleteConnector({ connectorId }: DeleteConnectorInput): Promise<void> {
  setCurrentDetails(`Deleting connector **${connectorId}**`);
  await databaseSteps.setConnectorState({ connectorId, state: 'deleting', reason: 'Deletion requested' });
  await cleanupSteps.deleteConnectorSchedules(connectorId);
  await cleanupSteps.cancelConnectorRuns(connectorId);
  await cleanupSteps.deleteConnectorData(connectorId);
}
