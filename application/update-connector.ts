import { findConnectorDefinition, needsCredential } from '../connectors/registry.ts';
import type { Connector, ConnectorChanges, PatchConnectorBody } from '../domain/connector.ts';
import { workflowIds } from '../domain/workflow-ids.ts';
import { updateConnector as updateConnectorWorkflow } from '../workflows/update-connector.ts';
import { requireLiveConnector } from './connector-lookup.ts';
import { assertConfigAccepted, assertSchedulesAccepted } from './connector-input.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError, validationError } from './errors.ts';
import { runConnectorWorkflow } from './run-connector-workflow.ts';

/** 200 once the update workflow finished; 202 with the connector as it will be otherwise. */
export type UpdateOutcome = { status: 200 | 202; connector: Connector };

/**
 * Changes a connector (`PATCH`): `config` is merged into the current one and validated by its type.
 * Setting the config of a connector in `needs_configuration` checks it and connects it.
 */
export async function updateConnector(deps: AppDependencies, workspaceId: string, id: string, patch: PatchConnectorBody): Promise<UpdateOutcome> {
  const connector = await requireLiveConnector(deps, workspaceId, id);
  assertSchedulesAccepted(patch, deps.now());
  const { config, ...fields } = patch;
  const changes: ConnectorChanges = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  if (config !== undefined) changes.config = await mergedConfig(deps, connector, config);
  return runConnectorUpdate(deps, connector, changes);
}

async function mergedConfig(deps: AppDependencies, connector: Connector, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
  const parsed = findConnectorDefinition(connector.type)?.configSchema.safeParse({ ...connector.config, ...patch });
  if (!parsed) throw new AppError('invalid_request', `Unknown connector type ${connector.type}`);
  if (!parsed.success) throw validationError(parsed.error, 'request body', ['config']);
  await assertConfigAccepted(deps, connector.type, parsed.data);
  return parsed.data as Record<string, unknown>;
}

/**
 * Runs the update workflow, which changes the row and the schedules together or not at all. If no
 * worker finishes it in time the answer is 202 with the connector as it will be.
 */
export async function runConnectorUpdate(deps: AppDependencies, connector: Connector, changes: ConnectorChanges): Promise<UpdateOutcome> {
  const outcome = await runConnectorWorkflow(deps, {
    workflow: updateConnectorWorkflow,
    workflowId: workflowIds.connectorChange(connector.id),
    args: [{ connectorId: connector.id, changes, needsCredential: needsCredential(connector.type) }],
    connector,
    summary: `Update connector "${connector.name}" (${connector.id}): ${Object.keys(changes).join(', ')}`,
    onConflict: 'wait',
    failure: (_type, message) => new AppError('schedule_update_failed', message),
  });
  return outcome.finished ? { status: 200, connector: outcome.result } : { status: 202, connector: { ...connector, ...changes } };
}
