import type { CheckResult } from '../connectors/connector-definition.ts';
import { findConnectorDefinition } from '../connectors/registry.ts';
import { changeConnector, findConnector } from '../db/repositories/connectors.ts';
import { findCredentialRow, insertCredential } from '../db/repositories/credentials.ts';
import type { NewCredentialRow } from '../db/schema.ts';
import type { Connector } from '../domain/connector.ts';
import { assertTransition, type ConnectorState } from '../domain/connector-state.ts';
import { openFreshCredential } from '../oauth/fresh-credential.ts';
import { openCredentialRow } from '../secrets/credential-seal.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { asConnectorFailure, failureTypes, nonRetryable } from './failures.ts';
import { createWebhookAnnouncer } from './webhook-activities.ts';

/** A credential created inline with a connector, already sealed by the API: no plaintext enters history. */
export type SealedCredentialRow = Omit<NewCredentialRow, 'refresh_locked_until'>;

const statesKeptByBinding: readonly ConnectorState[] = ['paused', 'creating', 'needs_configuration'];

export function createCredentialActivities(deps: ActivityDependencies) {
  const { db, now, policy, fetch } = deps;
  const webhooks = createWebhookAnnouncer(deps);

  return {
    /** Idempotent by id, so a retried creation stores its inline credential once. */
    async storeSealedCredential(row: SealedCredentialRow): Promise<void> {
      if (await findCredentialRow(db, row.id)) return;
      await insertCredential(db, row);
    },

    /**
     * Runs the source type's check with the credential. A refused credential is a value with the
     * source's reason, not a failure; only infrastructure errors are retried.
     */
    async checkConnectorCredential(input: { connectorId: string; credentialId: string }): Promise<CheckResult> {
      const connector = await findConnector(db, input.connectorId);
      if (!connector) throw nonRetryable(failureTypes.connectorNotFound, `Connector ${input.connectorId} does not exist`);
      const row = await findCredentialRow(db, input.credentialId);
      if (!row || row.workspace_id !== connector.workspaceId) {
        return { ok: false, reason: `Credential ${input.credentialId} not found` };
      }
      const definition = findConnectorDefinition(connector.type);
      if (!definition) return { ok: false, reason: `Unknown connector type ${connector.type}` };
      if (row.type !== connector.type || !definition.credentialKinds.includes(row.kind as never)) {
        return { ok: false, reason: `Credential ${row.id} is a ${row.kind} credential for ${row.type}, not one ${connector.type} accepts` };
      }
      // Without a config there is nothing to check against: the check runs once the config is set.
      if (connector.state === 'needs_configuration' && Object.keys(connector.config).length === 0) return { ok: true };
      let credential;
      if (row.kind === 'oauth2') {
        const opened = openCredentialRow(deps.cipher, row).secret as { accessToken?: string; refreshToken?: string };
        if (!opened.accessToken && !opened.refreshToken) return { ok: false, reason: 'Waiting for OAuth consent' };
      }
      try {
        credential = await openFreshCredential(deps, input.credentialId);
      } catch (error) {
        return { ok: false, reason: (error as Error).message };
      }
      return definition.check({ config: connector.config, credential, fetch, policy });
    },

    /**
     * Binds the credential; an `auth_required` or `disconnected` connector becomes `connected`. A paused
     * one stays paused, one being created is settled by its creation, one without its config keeps waiting for it.
     */
    async bindConnectorCredential(input: { connectorId: string; credentialId: string }): Promise<{ previous: Connector; current: Connector }> {
      try {
        const { change, eventId } = await db.transaction().execute(async (trx) => {
          const change = await changeConnector(
            trx,
            input.connectorId,
            (connector) => {
              const state: ConnectorState = statesKeptByBinding.includes(connector.state) ? connector.state : 'connected';
              if (connector.state !== state) assertTransition(connector.state, state);
              return { credentialId: input.credentialId, state, stateReason: null };
            },
            now,
          );
          return { change, eventId: await webhooks.stateChanged(trx, change) };
        });
        await webhooks.dispatch(eventId);
        return change;
      } catch (error) {
        throw asConnectorFailure(error);
      }
    },
  };
}
