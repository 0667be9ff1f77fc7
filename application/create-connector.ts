import { createHash } from 'node:crypto';
import type { SealedCredentialRow } from '../activities/credential-activities.ts';
import { failureTypes } from '../activities/failures.ts';
import { findConnectorDefinition, needsCredential } from '../connectors/registry.ts';
import { deleteConnectorIfUnchanged, findConnector, findWorkspaceConnector, insertConnectorIfAbsent } from '../db/repositories/connectors.ts';
import { publicConnectorId, shownConnectorId, storedConnectorId } from '../domain/connector-ids.ts';
import type { Connector } from '../domain/connector.ts';
import type { ConnectorSpec, CreateConnectorBody } from './connector-schemas.ts';
import { newId } from '../domain/ids.ts';
import { workflowIds } from '../domain/workflow-ids.ts';
import { isTemporalUnreachable } from '../temporal/unreachable.ts';
import { createConnector as createConnectorWorkflow } from '../workflows/create-connector.ts';
import { assertConfigAccepted, assertSchedulesAccepted, creationCredential, needsConfiguration } from './connector-input.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';
import { runConnectorWorkflow } from './run-connector-workflow.ts';

/** 201 once the creation workflow finished; 202 when it did not finish in time; 200 for a replay of a finished creation. */
export type CreationOutcome = { status: 200 | 201 | 202; connector: Connector };

type CreationCredential = { credentialId?: string; inlineCredential?: SealedCredentialRow };

/** A spec whose config may come later: without one, a type that requires one waits in `needs_configuration`. */
export type ConnectorDraft = Omit<ConnectorSpec, 'config'> & { config?: Record<string, unknown> | undefined };

/**
 * Creates a connector (seed 001's `POST /v1/connectors`): validates what the schema cannot, then
 * runs the creation workflow, which binds its credential and creates its schedules. Under an
 * idempotency key a retry reaches the same connector: it joins the creation while it runs and
 * answers the connector once it is done, so a retried request never creates a second one.
 */
export async function createConnector(
  deps: AppDependencies,
  workspaceId: string,
  body: CreateConnectorBody | (ConnectorDraft & Pick<CreateConnectorBody, 'id' | 'credentialId' | 'credentials'>),
  idempotencyKey?: string,
): Promise<CreationOutcome> {
  const { id: requestedId, credentialId, credentials, ...spec } = body;
  if (requestedId && idempotencyKey) {
    throw new AppError(
      'invalid_request',
      'Send an id or an Idempotency-Key header, not both: with an id of its own a creation is repeated safely by PUT /v1/connectors/{id}',
      { issues: [{ path: ['id'], message: 'not with an Idempotency-Key header', code: 'custom' }] },
    );
  }
  const now = deps.now();
  assertSchedulesAccepted(spec, now);
  await assertConfigAccepted(deps, spec.type, initialConfig(spec));
  if (requestedId && (await findWorkspaceConnector(deps.db, workspaceId, requestedId))) {
    throw new AppError('conflict', `A connector with id ${requestedId} already exists`);
  }
  const id = requestedId ?? (idempotencyKey ? idempotentConnectorId(workspaceId, idempotencyKey) : newId('conn'));
  const connector = newConnector(id, workspaceId, spec, now);
  return runConnectorCreation(deps, connector, await creationCredential(deps, connector, { credentialId, credentials }));
}

/**
 * The id a key stands for, derived rather than stored, so a retry finds it without a lookup table
 * and two workspaces sending the same key never meet.
 */
function idempotentConnectorId(workspaceId: string, idempotencyKey: string): string {
  return `conn_${createHash('sha256').update(`${workspaceId}\n${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}

/** The connector a spec describes under its stored id, before anything is written. */
export function newConnector(id: string, workspaceId: string, spec: ConnectorDraft, now: Date): Connector {
  const at = now.toISOString();
  return {
    id,
    workspaceId,
    name: spec.name,
    description: spec.description ?? null,
    type: spec.type,
    collection: spec.collection ?? publicConnectorId(workspaceId, id),
    config: initialConfig(spec),
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

/** The config as given; without one, the type's defaults, or `{}` for a type that cannot do without one. */
function initialConfig(spec: ConnectorDraft): Record<string, unknown> {
  if (spec.config) return spec.config;
  const defaults = findConnectorDefinition(spec.type)?.configSchema.safeParse({});
  return defaults?.success ? (defaults.data as Record<string, unknown>) : {};
}

/**
 * Writes the connector's row, then runs the creation workflow, which claims it, and waits for it.
 * The row comes first so that a failed start can be taken back for sure: the API's own write is
 * deleted unless a workflow has claimed it, so an error answer means nothing was created, even when
 * Temporal took the start before the connection broke. A request for an id whose row exists joins
 * that creation instead.
 */
export async function runConnectorCreation(deps: AppDependencies, connector: Connector, credential: CreationCredential = {}): Promise<CreationOutcome> {
  if (!(await insertConnectorIfAbsent(deps.db, connector))) {
    const owner = (await findConnector(deps.db, connector.id))?.workspaceId;
    if (owner !== undefined && owner !== connector.workspaceId && connector.id === shownConnectorId(connector)) {
      // Another workspace has this id: the connector takes its workspace's own form of it, unseen by either.
      return runConnectorCreation(deps, { ...connector, id: storedConnectorId(connector.workspaceId, connector.id) }, credential);
    }
    return joinCreation(deps, connector, credential);
  }
  try {
    const outcome = await runCreationWorkflow(deps, connector, credential);
    return outcome.finished ? { status: 201, connector: outcome.result } : { status: 202, connector };
  } catch (error) {
    if (await deleteConnectorIfUnchanged(deps.db, connector)) throw error;
    // A workflow has claimed the row, so the start did reach Temporal: the creation goes on.
    if (isTemporalUnreachable(error)) return { status: 202, connector: (await findConnector(deps.db, connector.id)) ?? connector };
    throw error;
  }
}

/**
 * Another request wrote this id's row: a retry under the same key, or a concurrent PUT. Joins its
 * creation while it runs (starting it if the writer died before it could) and answers the
 * connector as it stands once it is done.
 */
async function joinCreation(deps: AppDependencies, wanted: Connector, credential: CreationCredential): Promise<CreationOutcome> {
  const existing = await findConnector(deps.db, wanted.id);
  if (!existing || existing.workspaceId !== wanted.workspaceId)
    throw new AppError('conflict', `A connector with id ${publicConnectorId(wanted.workspaceId, wanted.id)} already exists`);
  if (existing.state !== 'creating') return { status: 200, connector: existing };
  try {
    const outcome = await runCreationWorkflow(deps, existing, credential);
    return outcome.finished ? { status: 200, connector: outcome.result } : { status: 202, connector: existing };
  } catch (error) {
    // The creation finished between the read and the start, and the run started after it refused to redo it.
    const current = await findConnector(deps.db, wanted.id);
    if (current && current.state !== 'creating') return { status: 200, connector: current };
    throw error;
  }
}

/** One run per connector id: a second start joins the running one. */
function runCreationWorkflow(deps: AppDependencies, connector: Connector, credential: CreationCredential) {
  return runConnectorWorkflow(deps, {
    workflow: createConnectorWorkflow,
    workflowId: workflowIds.createConnector(connector.id),
    args: [{ connector, ...credential, needsCredential: needsCredential(connector.type), needsConfiguration: needsConfiguration(connector) }],
    connector,
    summary: `Create ${connector.type} connector "${connector.name}" (${connector.id})`,
    onConflict: 'join',
    failure: creationFailure,
  });
}

function creationFailure(type: string | undefined, message: string): AppError {
  if (type === failureTypes.connectorConflict) return new AppError('conflict', message);
  // A run whose request was taken back after an outage found no row; a retry starts afresh.
  if (type === failureTypes.connectorNotFound) return new AppError('temporal_unavailable', 'The creation was interrupted by a Temporal outage; retry');
  if (type === failureTypes.scheduleConflict) return new AppError('schedule_conflict', message);
  return new AppError('schedule_creation_failed', message);
}
