import { WorkflowFailedError } from '@temporalio/client';
import { findConnector } from '../db/repositories/connectors.ts';
import type { Connector, ConnectorSpec } from '../domain/connector.ts';
import { failureTypes } from '../activities/connector-activities.ts';
import { workflowIds } from '../temporal/ids.ts';
import { connectorSearchAttributes } from '../temporal/search-attributes.ts';
import type { createConnector } from '../workflows/create-connector.ts';
import type { ApiDependencies } from './dependencies.ts';
import { ApiError } from './errors.ts';
import { workflowFailureMessage, workflowFailureType } from './workflow-errors.ts';

export type CreationOutcome = { status: 201 | 202; connector: Connector };

/** The connector a spec describes, before anything is written. */
export function newConnector(id: string, workspaceId: string, spec: ConnectorSpec, now: Date): Connector {
  const at = now.toISOString();
  return {
    id,
    workspaceId,
    name: spec.name,
    description: spec.description ?? null,
    type: spec.type,
    collection: spec.collection ?? id,
    config: spec.config as Record<string, unknown>,
    metadata: spec.metadata,
    schedule: spec.schedule,
    pruneSchedule: spec.pruneSchedule ?? null,
    credentialId: null,
    state: 'creating',
    stateReason: null,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * Runs the connector-creation workflow and waits for it. A second request for the same id joins the
 * running workflow instead of starting another.
 */
export async function runConnectorCreation(deps: ApiDependencies, connector: Connector): Promise<CreationOutcome> {
  const handle = await deps.temporal.workflow.start<typeof createConnector>('createConnector', {
    workflowId: workflowIds.createConnector(connector.id),
    taskQueue: deps.taskQueue,
    args: [{ connector }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: connectorSearchAttributes(connector),
    staticSummary: `Create ${connector.type} connector "${connector.name}" (${connector.id})`,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), deps.workflowWaitMs);
  });
  try {
    const result = await Promise.race([handle.result(), timeout]);
    if (result === 'pending') return { status: 202, connector };
    return { status: 201, connector: result };
  } catch (error) {
    throw await creationError(deps, connector, error);
  } finally {
    clearTimeout(timer);
  }
}

async function creationError(deps: ApiDependencies, connector: Connector, error: unknown): Promise<unknown> {
  if (!(error instanceof WorkflowFailedError)) return error;
  const type = workflowFailureType(error);
  const message = workflowFailureMessage(error);
  if (type === failureTypes.connectorConflict) {
    const existing = await findConnector(deps.db, connector.id);
    return new ApiError(409, 'conflict', `A connector with id ${connector.id} already exists`, {
      connectorId: existing?.workspaceId === connector.workspaceId ? existing.id : undefined,
    });
  }
  if (type === failureTypes.scheduleConflict) return new ApiError(409, 'schedule_conflict', message);
  return new ApiError(503, 'schedule_creation_failed', message);
}
