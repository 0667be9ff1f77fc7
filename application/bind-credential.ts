import { findWorkspaceCredentialRow } from '../db/repositories/credentials.ts';
import { shownConnectorId } from '../domain/connector-ids.ts';
import type { Connector } from '../domain/connector.ts';
import { workflowIds } from '../domain/workflow-ids.ts';
import { bindCredential as bindCredentialWorkflow } from '../workflows/bind-credential.ts';
import { requireConnector } from './connector-lookup.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';
import { runConnectorWorkflow } from './run-connector-workflow.ts';

/** Binds a credential of the workspace to a connector (Onyx's `PUT .../credential/{credentialId}`). */
export async function bindCredential(deps: AppDependencies, workspaceId: string, connectorId: string, credentialId: string): Promise<Connector> {
  const connector = await requireConnector(deps, workspaceId, connectorId);
  if (!(await findWorkspaceCredentialRow(deps.db, workspaceId, credentialId))) {
    throw new AppError('not_found', `Credential ${credentialId} not found`);
  }
  return runCredentialBinding(deps, connector, credentialId);
}

/** Runs the binding workflow; a credential that fails its check is a 422 with the source's reason. */
export async function runCredentialBinding(deps: AppDependencies, connector: Connector, credentialId: string): Promise<Connector> {
  if (connector.state === 'deleting') throw new AppError('conflict', `Connector ${shownConnectorId(connector)} is being deleted`);
  const outcome = await runConnectorWorkflow(deps, {
    workflow: bindCredentialWorkflow,
    workflowId: workflowIds.connectorChange(connector.id),
    args: [{ connectorId: connector.id, credentialId }],
    connector,
    summary: `Bind credential ${credentialId} to connector "${connector.name}" (${connector.id})`,
    onConflict: 'wait',
    failure: (_type, message) => new AppError('schedule_update_failed', message),
  });
  if (!outcome.finished) {
    throw new AppError('temporal_unavailable', `The binding of ${credentialId} is queued but no worker has finished it yet; check the connector shortly`);
  }
  if (!outcome.result.ok) {
    throw new AppError('credential_check_failed', `The credential failed its check: ${outcome.result.reason}`, { reason: outcome.result.reason });
  }
  return outcome.result.connector;
}
