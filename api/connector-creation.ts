import type { SealedCredentialRow } from '../activities/credential-activities.ts';
import { failureTypes } from '../activities/failures.ts';
import { findConnectorDefinition } from '../connectors/registry.ts';
import { findConnector } from '../db/repositories/connectors.ts';
import type { Connector, ConnectorSpec } from '../domain/connector.ts';
import { workflowIds } from '../temporal/ids.ts';
import type { CreateConnectorInput } from '../workflows/create-connector.ts';
import type { ApiDependencies } from './dependencies.ts';
import { ApiError } from './errors.ts';
import { runConnectorWorkflow } from './run-workflow.ts';

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
export async function runConnectorCreation(
  deps: ApiDependencies,
  connector: Connector,
  credential: { credentialId?: string; inlineCredential?: SealedCredentialRow } = {},
): Promise<CreationOutcome> {
  const input: CreateConnectorInput = {
    connector,
    ...credential,
    needsCredential: (findConnectorDefinition(connector.type)?.credentialKinds.length ?? 0) > 0,
  };
  const outcome = await runConnectorWorkflow<Connector>(deps, {
    workflowType: 'createConnector',
    workflowId: workflowIds.createConnector(connector.id),
    args: [input],
    connector,
    summary: `Create ${connector.type} connector "${connector.name}" (${connector.id})`,
    onConflict: 'join',
    failure: (type, message) => creationFailure(type, message),
  }).catch(async (error: unknown) => {
    if (error instanceof ApiError && error.code === 'conflict' && (await findConnector(deps.db, connector.id))) {
      throw new ApiError(409, 'conflict', `A connector with id ${connector.id} already exists`);
    }
    throw error;
  });
  return outcome.finished ? { status: 201, connector: outcome.result } : { status: 202, connector };
}

function creationFailure(type: string | undefined, message: string): ApiError {
  if (type === failureTypes.connectorConflict) return new ApiError(409, 'conflict', message);
  if (type === failureTypes.scheduleConflict) return new ApiError(409, 'schedule_conflict', message);
  return new ApiError(503, 'schedule_creation_failed', message);
}
