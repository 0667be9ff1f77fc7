import {
  changeConnector,
  deleteConnectorRow,
  findConnector,
  insertConnectorIfAbsent,
  transitionConnector,
  updateConnectorIfVersion,
} from '../db/repositories/connectors.ts';
import { deleteCredentialRow } from '../db/repositories/credentials.ts';
import { deleteConnectorFrontiers } from '../db/repositories/crawl-frontier.ts';
import { deleteSyncFailures } from '../db/repositories/sync-failures.ts';
import { deleteConnectorDocuments } from '../db/repositories/documents.ts';
import { deleteUploadedFiles } from '../db/repositories/uploaded-files.ts';
import { deleteSyncJobs } from '../db/repositories/sync-jobs.ts';
import type { Connector, ConnectorChanges } from '../domain/connector.ts';
import { connectorScheduleId, madeFor } from '../temporal/connector-schedule.ts';
import { InvalidTransitionError, type ConnectorState } from '../domain/connector-state.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { asConnectorFailure, failureTypes, nonRetryable } from './failures.ts';
import { createWebhookAnnouncer } from './webhook-activities.ts';

export function createConnectorActivities(deps: ActivityDependencies) {
  const { db, now } = deps;
  const webhooks = createWebhookAnnouncer(deps);
  async function requireConnector(connectorId: string): Promise<Connector> {
    const connector = await findConnector(db, connectorId);
    if (!connector) throw nonRetryable(failureTypes.connectorNotFound, `Connector ${connectorId} does not exist`);
    return connector;
  }

  /** Changes the state and records its `connector.state_changed` event in one transaction, then starts its deliveries. */
  async function setConnectorState(input: { connectorId: string; state: ConnectorState; reason: string | null }): Promise<Connector> {
    try {
      const { current, eventId } = await db.transaction().execute(async (trx) => {
        const change = await transitionConnector(trx, input.connectorId, input.state, input.reason, now());
        return { current: change.current, eventId: await webhooks.stateChanged(trx, change) };
      });
      await webhooks.dispatch(eventId);
      return current;
    } catch (error) {
      throw asConnectorFailure(error);
    }
  }

  return {
    /**
     * Claims the row the API wrote for a creation: a write, so a new version, which the API's take-back
     * of a failed start no longer matches. Safe to repeat after the creation has moved the row on, as
     * a local activity is after a crash: the sync schedule made by this very creation shows the row is its own.
     */
    async claimCreatedConnector(input: { connectorId: string; creationId: string }): Promise<void> {
      const connector = await requireConnector(input.connectorId);
      if (
        connector.state !== 'creating' &&
        madeFor(await deps.schedules.describeMemo(connectorScheduleId('sync', connector.id)), connector.id, input.creationId)
      ) {
        return;
      }
      await setConnectorState({ connectorId: input.connectorId, state: 'creating', reason: 'The creation workflow is running' });
    },

    /** Idempotent: a retry finds the row it inserted; a row made by anything else is a conflict. */
    async insertConnector(connector: Connector): Promise<void> {
      if (await insertConnectorIfAbsent(db, connector)) return;
      const existing = await findConnector(db, connector.id);
      if (existing?.workspaceId !== connector.workspaceId || existing.createdAt !== connector.createdAt) {
        throw nonRetryable(failureTypes.connectorConflict, `A connector with id ${connector.id} already exists`);
      }
    },

    async getConnector(connectorId: string): Promise<Connector> {
      return requireConnector(connectorId);
    },

    setConnectorState,

    /** Applies a partial update on top of the latest version and returns the connector before and after, for compensation. */
    async applyConnectorChanges(input: { connectorId: string; changes: ConnectorChanges }): Promise<{ previous: Connector; current: Connector }> {
      try {
        return await changeConnector(
          db,
          input.connectorId,
          (connector) => {
            if (connector.state === 'deleting') throw new InvalidTransitionError(connector.state, connector.state);
            return input.changes;
          },
          now,
        );
      } catch (error) {
        throw asConnectorFailure(error);
      }
    },

    /**
     * Compensation: puts back what a change wrote, unless a later change has written since (it then
     * owns the row, and its own schedules step follows it).
     */
    async restoreConnector(input: { previous: Connector; current: Connector }): Promise<void> {
      const { id: _id, workspaceId: _workspace, type: _type, version: _version, createdAt: _created, updatedAt: _updated, ...columns } = input.previous;
      await updateConnectorIfVersion(db, input.current, columns, now());
    },

    /** Compensation of a failed creation: the row and a credential created inline for it. */
    async removeCreatedConnectorRow(input: { connectorId: string; inlineCredentialId?: string }): Promise<void> {
      await deleteConnectorRow(db, input.connectorId);
      if (input.inlineCredentialId) await deleteCredentialRow(db, input.inlineCredentialId);
    },

    /** Last step of a delete: documents, uploaded files, crawl frontiers, failures, sync history, then the row. Safe to repeat. */
    async deleteConnectorData(connectorId: string): Promise<void> {
      await deleteConnectorDocuments(db, connectorId, now().toISOString());
      await deleteUploadedFiles(db, connectorId);
      await deleteConnectorFrontiers(db, connectorId);
      await deleteSyncFailures(db, { connectorId });
      await deleteSyncJobs(db, connectorId);
      await deleteConnectorRow(db, connectorId);
    },
  };
}
