import { patched, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { SealedCredentialRow } from '../activities/credential-activities.ts';
import type { Connector } from '../domain/connector.ts';
import { checkSteps, cleanupSteps, compensatedSteps, databaseSteps, localCompensatedSteps, localDatabaseSteps } from './activity-proxies.ts';
import { compensated } from './compensation.ts';

/**
 * Input of `createConnector`, workflow id `connector-create-<connectorId>`.
 * @example { connector: { id: 'conn_1', type: 'jira', state: 'creating', ... }, credentialId: 'cred_1', needsCredential: true }
 */
export interface CreateConnectorInput {
  /** The row the API has written in state `creating`. */
  connector: Connector;
  /** An existing credential to check and bind. */
  credentialId?: string;
  /** A credential given inline, sealed by the API; stored, checked and bound here, removed on compensation. */
  inlineCredential?: SealedCredentialRow;
  /** Whether the source type needs a credential before it can sync. */
  needsCredential: boolean;
  /**
   * Created without the config its type requires: stored in `needs_configuration`, unchecked, its
   * schedules paused, until an update sets the config. Absent in runs started before this existed.
   */
  needsConfiguration?: boolean;
}

/**
 * Claims the connector row the API wrote, stores and binds its credential, checks the connection,
 * creates its Temporal Schedules (paused while auth is required) and marks it connected or
 * auth_required; one that still lacks its config is not checked and waits in needs_configuration. If a schedule cannot be created, deletes everything it created and fails with the reason.
 */
export async function createConnector(input: CreateConnectorInput): Promise<Connector> {
  const { connector } = input;
  const creationId = workflowInfo().firstExecutionRunId;
  setCurrentDetails(`Creating ${connector.type} connector **${connector.id}**`);
  // The API wrote the row and takes it back if its start call failed; claiming it (a write, so a new
  // version) stops that. A row already taken back fails this step, and nothing is created. Runs
  // started before 'creation-local-steps' replay their steps as the activities they recorded.
  const local = patched('creation-local-steps');
  if (local) {
    await localDatabaseSteps.claimCreatedConnector({ connectorId: connector.id, creationId });
  } else if (patched('api-inserts-connector-row')) {
    await databaseSteps.setConnectorState({ connectorId: connector.id, state: 'creating', reason: 'The creation workflow is running' });
  } else {
    await databaseSteps.insertConnector(connector);
  }
  if (input.inlineCredential) await databaseSteps.storeSealedCredential(input.inlineCredential);

  const credentialId = input.inlineCredential?.id ?? input.credentialId;
  let authReason: string | null = input.needsCredential && !credentialId ? 'A credential is required' : null;
  if (credentialId && input.needsConfiguration) {
    // Nothing to check against yet: the check runs when the configuration comes.
    await databaseSteps.bindConnectorCredential({ connectorId: connector.id, credentialId });
  } else if (credentialId) {
    const check = await checkSteps.checkConnectorCredential({ connectorId: connector.id, credentialId });
    await databaseSteps.bindConnectorCredential({ connectorId: connector.id, credentialId });
    if (!check.ok) authReason = check.reason;
  }

  const scheduleSteps = local ? localCompensatedSteps : compensatedSteps;
  const stateSteps = local ? localDatabaseSteps : databaseSteps;
  await compensated(
    () => scheduleSteps.createConnectorSchedules({ connectorId: connector.id, creationId, paused: authReason !== null || input.needsConfiguration === true }),
    async () => {
      await cleanupSteps.removeCreatedSchedules({ connectorId: connector.id, creationId });
      await cleanupSteps.removeCreatedConnectorRow({
        connectorId: connector.id,
        ...(input.inlineCredential ? { inlineCredentialId: input.inlineCredential.id } : {}),
      });
    },
    {
      type: 'ScheduleCreationFailed',
      message: (reason) => `The schedule of connector ${connector.id} could not be created, so the connector was removed: ${reason}`,
    },
  );
  if (input.needsConfiguration) {
    return stateSteps.setConnectorState({ connectorId: connector.id, state: 'needs_configuration', reason: 'A configuration is required' });
  }
  return authReason === null
    ? stateSteps.setConnectorState({ connectorId: connector.id, state: 'connected', reason: null })
    : stateSteps.setConnectorState({ connectorId: connector.id, state: 'auth_required', reason: authReason });
}
