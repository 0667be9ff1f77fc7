import { ScheduleAlreadyRunning } from '@temporalio/client';
import { findConnector } from '../db/repositories/connectors.ts';
import { findActiveSyncJobRow } from '../db/repositories/sync-jobs.ts';
import type { Connector } from '../domain/connector.ts';
import {
  connectorScheduleId,
  connectorScheduleOptions,
  madeFor,
  scheduleKindsOf,
  type ConnectorScheduleMemo,
  type ScheduleKind,
} from '../temporal/connector-schedule.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { failureTypes, nonRetryable } from './failures.ts';

const allKinds: ScheduleKind[] = ['sync', 'prune'];

/** A connector's schedules run only while it is connected. */
function shouldRun(connector: Connector): boolean {
  return connector.state === 'connected';
}

export function createScheduleActivities({ db, schedules, workflows, taskQueue }: ActivityDependencies) {
  async function requireConnector(connectorId: string): Promise<Connector> {
    const connector = await findConnector(db, connectorId);
    if (!connector) throw nonRetryable(failureTypes.connectorNotFound, `Connector ${connectorId} does not exist`);
    return connector;
  }

  async function createOwned(connector: Connector, kind: ScheduleKind, creationId: string, paused: boolean): Promise<void> {
    const options = connectorScheduleOptions({ connector, kind, creationId, taskQueue, paused });
    try {
      await schedules.create(options);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      const memo = await schedules.describeMemo(options.scheduleId);
      if (madeFor(memo, connector.id, creationId)) return;
      throw nonRetryable(
        failureTypes.scheduleConflict,
        `Schedule id ${options.scheduleId} is already taken by a schedule that was not made for this connector`,
      );
    }
  }

  return {
    /** Creates the connector's schedules, or accepts those this same creation made on an earlier attempt. */
    async createConnectorSchedules(input: { connectorId: string; creationId: string; paused: boolean }): Promise<void> {
      const connector = await requireConnector(input.connectorId);
      for (const kind of scheduleKindsOf(connector)) await createOwned(connector, kind, input.creationId, input.paused);
    },

    /** Compensation: removes only the schedules this creation made. */
    async removeCreatedSchedules(input: { connectorId: string; creationId: string }): Promise<void> {
      for (const kind of allKinds) {
        const scheduleId = connectorScheduleId(kind, input.connectorId);
        const memo = await schedules.describeMemo(scheduleId);
        if (madeFor(memo, input.connectorId, input.creationId)) await schedules.delete(scheduleId);
      }
    },

    /** Brings the schedules in line with the row: updates, creates or deletes each, paused unless connected. */
    async reconcileConnectorSchedules(input: { connectorId: string }): Promise<void> {
      const connector = await requireConnector(input.connectorId);
      const wanted = new Set(scheduleKindsOf(connector));
      for (const kind of allKinds) {
        const scheduleId = connectorScheduleId(kind, connector.id);
        const memo = await schedules.describeMemo(scheduleId);
        if (memo && !madeFor(memo, connector.id)) {
          throw nonRetryable(failureTypes.scheduleConflict, `Schedule ${scheduleId} was not made for this connector`);
        }
        if (!wanted.has(kind)) {
          if (memo) await schedules.delete(scheduleId);
          continue;
        }
        const creationId = String((memo as Partial<ConnectorScheduleMemo> | undefined)?.tributaryCreationId ?? 'reconciled');
        const options = connectorScheduleOptions({ connector, kind, creationId, taskQueue, paused: !shouldRun(connector) });
        if (!memo) {
          await createOwned(connector, kind, creationId, !shouldRun(connector));
          continue;
        }
        await schedules.update(scheduleId, {
          spec: options.spec,
          action: options.action,
          ...(options.policies ? { policies: options.policies } : {}),
          state: options.state ?? {},
        });
      }
    },

    async deleteConnectorSchedules(connectorId: string): Promise<void> {
      for (const kind of allKinds) await schedules.delete(connectorScheduleId(kind, connectorId));
    },

    /**
     * Cancels the connector's active job, sync or prune (whatever started it: its workflow id is on
     * the job), and waits until it has stopped; then any job that began meanwhile, until none is left.
     */
    async cancelConnectorRuns(connectorId: string): Promise<void> {
      for (let active = await findActiveSyncJobRow(db, connectorId); active?.workflow_id;) {
        await workflows.cancelAndWait(active.workflow_id);
        const next = await findActiveSyncJobRow(db, connectorId);
        // A job whose workflow closed without ending it (a crash before its last step) no longer runs.
        if (next?.id === active.id) break;
        active = next;
      }
    },
  };
}
