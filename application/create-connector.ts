import type { SealedCredentialRow } from '../activities/credential-activities.ts';
import { failureTypes } from '../activities/failures.ts';
import { needsCredential } from '../connectors/registry.ts';
import { findConnector } from '../db/repositories/connectors.ts';
import type { Connector } from '../domain/connector.ts';
import type { ConnectorSpec, CreateConnectorBody } from './connector-schemas.ts';
import { newId } from '../domain/ids.ts';
import { workflowIds } from '../domain/workflow-ids.ts';
import { createConnector as createConnectorWorkflow } from '../workflows/create-connector.ts';
import { assertConfigAccepted, assertSchedulesAccepted, creationCredential } from './connector-input.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';
import { runConnectorWorkflow } from './run-connector-workflow.ts';

/** 201 once the creation workflow finished; 202 when no worker finished it in time. */
export type CreationOutcome = { status: 201 | 202; connector: Connector };

/**
 * Creates a connector (seed 001's `POST /v1/connectors`): validates what the schema cannot, then
 * runs the creation workflow, which inserts it, binds its credential and creates its schedules.
 */
export async function createConnector(deps: AppDependencies, workspaceId: string, body: CreateConnectorBody): Promise<CreationOutcome> {
  const { id: requestedId, credentialId, credentials, ...spec } = body;
  const now = deps.now();
  assertSchedulesAccepted(spec, now);
  await assertConfigAccepted(deps, spec.type, spec.config);
  if (requestedId && (await findConnector(deps.db, requestedId))) {
    throw new AppError('conflict', `A connector with id ${requestedId} already exists`);
  }
  const connector = newConnector(requestedId ?? newId('conn'), workspaceId, spec, now);
  return runConnectorCreation(deps, connector, await creationCredential(deps, connector, { credentialId, credentials }));
}

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
    version: 1,
    updatedAt: at,
  };
}

/**
 * Runs the connector-creation workflow and waits for it. A second request for the same id joins the
 * running workflow instead of starting another.
 */
export async function runConnectorCreation(
  deps: AppDependencies,
  connector: Connector,
  credential: { credentialId?: string; inlineCredential?: SealedCredentialRow } = {},
): Promise<CreationOutcome> {
  const outcome = await runConnectorWorkflow(deps, {
    workflow: createConnectorWorkflow,
    workflowId: workflowIds.createConnector(connector.id),
    args: [{ connector, ...credential, needsCredential: needsCredential(connector.type) }],
    connector,
    summary: `Create ${connector.type} connector "${connector.name}" (${connector.id})`,
    onConflict: 'join',
    failure: creationFailure,
  }).catch(async (error: unknown) => {
    if (error instanceof AppError && error.code === 'conflict' && (await findConnector(deps.db, connector.id))) {
      throw new AppError('conflict', `A connector with id ${connector.id} already exists`);
    }
    throw error;
  });
  return outcome.finished ? { status: 201, connector: outcome.result } : { status: 202, connector };
}

function creationFailure(type: string | undefined, message: string): AppError {
  if (type === failureTypes.connectorConflict) return new AppError('conflict', message);
  if (type === failureTypes.scheduleConflict) return new AppError('schedule_conflict', message);
  return new AppError('schedule_creation_failed', message);
}
