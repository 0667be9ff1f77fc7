import type { Connector, ConnectorChanges } from '../domain/connector.ts';
import { workflowIds } from '../temporal/ids.ts';
import type { UpdateConnectorInput } from '../workflows/update-connector.ts';
import type { ApiDependencies } from './dependencies.ts';
import { ApiError } from './errors.ts';
import { runConnectorWorkflow } from './run-workflow.ts';

/**
 * Runs the update workflow, which changes the row and the schedules together or not at all. If no
 * worker finishes it in time the answer is 202 with the connector as it will be.
 */
export async function runConnectorUpdate(
  deps: ApiDependencies,
  connector: Connector,
  changes: ConnectorChanges,
): Promise<{ status: 200 | 202; connector: Connector }> {
  const input: UpdateConnectorInput = { connectorId: connector.id, changes };
  const outcome = await runConnectorWorkflow<Connector>(deps, {
    workflowType: 'updateConnector',
    workflowId: workflowIds.updateConnector(connector.id),
    args: [input],
    connector,
    summary: `Update connector "${connector.name}" (${connector.id}): ${Object.keys(changes).join(', ')}`,
    onConflict: 'refuse',
    failure: (_type, message) => new ApiError(503, 'schedule_update_failed', message),
  });
  return outcome.finished ? { status: 200, connector: outcome.result } : { status: 202, connector: { ...connector, ...changes } };
}
