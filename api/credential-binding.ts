import type { Connector } from '../domain/connector.ts';
import { workflowIds } from '../temporal/ids.ts';
import type { BindCredentialInput, BindCredentialResult } from '../workflows/bind-credential.ts';
import type { ApiDependencies } from './dependencies.ts';
import { ApiError } from './errors.ts';
import { runConnectorWorkflow } from './run-workflow.ts';

/** Runs the binding workflow; a credential that fails its check is a 422 with the source's reason. */
export async function runCredentialBinding(deps: ApiDependencies, connector: Connector, credentialId: string): Promise<Connector> {
  if (connector.state === 'deleting') throw new ApiError(409, 'conflict', `Connector ${connector.id} is being deleted`);
  const input: BindCredentialInput = { connectorId: connector.id, credentialId };
  const outcome = await runConnectorWorkflow<BindCredentialResult>(deps, {
    workflowType: 'bindCredential',
    workflowId: workflowIds.bindCredential(connector.id),
    args: [input],
    connector,
    summary: `Bind credential ${credentialId} to connector "${connector.name}" (${connector.id})`,
    onConflict: 'refuse',
    failure: (_type, message) => new ApiError(503, 'schedule_update_failed', message),
  });
  if (!outcome.finished) {
    throw new ApiError(503, 'temporal_unavailable', `The binding of ${credentialId} is queued but no worker has finished it yet; check the connector shortly`);
  }
  if (!outcome.result.ok) {
    throw new ApiError(422, 'credential_check_failed', `The credential failed its check: ${outcome.result.reason}`, { reason: outcome.result.reason });
  }
  return outcome.result.connector;
}
