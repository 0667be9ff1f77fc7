import { needsCredential } from '../connectors/registry.ts';
import type { Connector } from '../domain/connector.ts';
import { workflowIds } from '../domain/workflow-ids.ts';
import { pauseConnector as pauseWorkflow, resumeConnector as resumeWorkflow } from '../workflows/pause-resume-connector.ts';
import { requireLiveConnector } from './connector-lookup.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';
import { runConnectorWorkflow } from './run-connector-workflow.ts';

/** 200 once the workflow finished; 202 with the connector as it was when no worker finished it in time. */
export type StateChangeOutcome = { status: 200 | 202; connector: Connector };

const failure = (_type: string | undefined, message: string) => new AppError('schedule_update_failed', message);

/** A connector waiting for its configuration has nothing to pause or resume: its schedules wait with it. */
function assertConfigured(connector: Connector): void {
  if (connector.state === 'needs_configuration') {
    throw new AppError('conflict', `Connector ${connector.id} waits for its configuration; set its config first, then it can be paused or resumed`);
  }
}

/** Pauses the connector and its schedules, after any change of it already under way. */
export async function pauseConnector(deps: AppDependencies, workspaceId: string, id: string): Promise<StateChangeOutcome> {
  const connector = await requireLiveConnector(deps, workspaceId, id);
  assertConfigured(connector);
  const outcome = await runConnectorWorkflow(deps, {
    workflow: pauseWorkflow,
    workflowId: workflowIds.connectorChange(connector.id),
    args: [{ connectorId: connector.id }],
    connector,
    summary: `Pause connector "${connector.name}" (${connector.id})`,
    onConflict: 'wait',
    failure,
  });
  return outcome.finished ? { status: 200, connector: outcome.result } : { status: 202, connector };
}

/** Resumes the connector and its schedules, or leaves it `auth_required` while it lacks a credential. */
export async function resumeConnector(deps: AppDependencies, workspaceId: string, id: string): Promise<StateChangeOutcome> {
  const connector = await requireLiveConnector(deps, workspaceId, id);
  assertConfigured(connector);
  const outcome = await runConnectorWorkflow(deps, {
    workflow: resumeWorkflow,
    workflowId: workflowIds.connectorChange(connector.id),
    args: [{ connectorId: connector.id, needsCredential: needsCredential(connector.type) }],
    connector,
    summary: `Resume connector "${connector.name}" (${connector.id})`,
    onConflict: 'wait',
    failure,
  });
  return outcome.finished ? { status: 200, connector: outcome.result } : { status: 202, connector };
}
