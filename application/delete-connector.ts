import { workflowIds } from '../domain/workflow-ids.ts';
import { shownConnectorId } from '../domain/connector-ids.ts';
import { connectorSearchAttributes } from '../temporal/search-attributes.ts';
import { deleteConnector as deleteConnectorWorkflow } from '../workflows/delete-connector.ts';
import { requireConnector } from './connector-lookup.ts';
import type { AppDependencies } from './dependencies.ts';

/**
 * Starts the delete workflow and returns at once: it cancels a running sync and removes the
 * schedules, documents and row. A repeated delete joins the deletion already under way.
 */
export async function deleteConnector(deps: AppDependencies, workspaceId: string, id: string): Promise<{ id: string; state: 'deleting'; workflowId: string }> {
  const connector = await requireConnector(deps, workspaceId, id);
  const workflowId = workflowIds.deleteConnector(connector.id);
  await deps.temporal.workflow.start(deleteConnectorWorkflow, {
    workflowId,
    taskQueue: deps.taskQueue,
    args: [{ connectorId: connector.id }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: connectorSearchAttributes(connector),
    staticSummary: `Delete ${connector.type} connector "${connector.name}" (${connector.id})`,
  });
  return { id: shownConnectorId(connector), state: 'deleting', workflowId };
}
