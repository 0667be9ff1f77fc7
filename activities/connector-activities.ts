import { ApplicationFailure } from '@temporalio/common';
import { ScheduleAlreadyRunning } from '@temporalio/client';
import {
  deleteConnectorRow,
  findConnector,
  insertConnectorIfAbsent,
  transitionConnector,
} from '../db/repositories/connectors.ts';
import type { Connector } from '../domain/connector.ts';
import type { ConnectorState } from '../domain/connector-state.ts';
import { InvalidTransitionError } from '../domain/connector-state.ts';
import { connectorScheduleOptions, type ConnectorScheduleMemo } from '../temporal/connector-schedule.ts';
import { workflowIds } from '../temporal/ids.ts';
import type { ActivityDependencies } from './dependencies.ts';

/** Failure types the workflows and the API recognise. */
export const failureTypes = {
  connectorConflict: 'ConnectorConflict',
  scheduleConflict: 'ScheduleConflict',
  invalidTransition: 'InvalidTransition',
  connectorNotFound: 'ConnectorNotFound',
} as const;

export function createConnectorActivities({ db, schedules, taskQueue, now }: ActivityDependencies) {
  function ownsSchedule(memo: Record<string, unknown>, connectorId: string, creationId: string): boolean {
    const ours = memo as Partial<ConnectorScheduleMemo>;
    return ours.tributaryConnectorId === connectorId && ours.tributaryCreationId === creationId;
  }

  return {
    /** Idempotent: a retry finds the row it inserted; a row of another workspace is a conflict. */
    async insertConnector(connector: Connector): Promise<void> {
      if (await insertConnectorIfAbsent(db, connector)) return;
      const existing = await findConnector(db, connector.id);
      if (existing?.workspaceId !== connector.workspaceId || existing.createdAt !== connector.createdAt) {
        throw ApplicationFailure.create({
          type: failureTypes.connectorConflict,
          message: `A connector with id ${connector.id} already exists`,
          nonRetryable: true,
        });
      }
    },

    /** Creates the connector's schedule, or accepts the one this same creation made on an earlier attempt. */
    async createConnectorSchedule(input: { connectorId: string; creationId: string; paused: boolean }): Promise<void> {
      const connector = await findConnector(db, input.connectorId);
      if (!connector) {
        throw ApplicationFailure.create({
          type: failureTypes.connectorNotFound,
          message: `Connector ${input.connectorId} does not exist`,
          nonRetryable: true,
        });
      }
      const options = connectorScheduleOptions({ connector, creationId: input.creationId, taskQueue, paused: input.paused });
      try {
        await schedules.create(options);
      } catch (error) {
        if (!(error instanceof ScheduleAlreadyRunning)) throw error;
        const memo = await schedules.describeMemo(options.scheduleId);
        if (memo && ownsSchedule(memo, input.connectorId, input.creationId)) return;
        throw ApplicationFailure.create({
          type: failureTypes.scheduleConflict,
          message: `Schedule id ${options.scheduleId} is already taken by a schedule that was not made for this connector`,
          nonRetryable: true,
        });
      }
    },

    /** Compensation: removes the schedule only if this creation made it, then the row. */
    async removeCreatedConnector(input: { connectorId: string; creationId: string }): Promise<void> {
      const scheduleId = workflowIds.connectorSchedule(input.connectorId);
      const memo = await schedules.describeMemo(scheduleId);
      if (memo && ownsSchedule(memo, input.connectorId, input.creationId)) await schedules.delete(scheduleId);
      await deleteConnectorRow(db, input.connectorId);
    },

    async setConnectorState(input: { connectorId: string; state: ConnectorState; reason: string | null }): Promise<Connector> {
      try {
        return await transitionConnector(db, input.connectorId, input.state, input.reason, now());
      } catch (error) {
        if (error instanceof InvalidTransitionError) {
          throw ApplicationFailure.create({ type: failureTypes.invalidTransition, message: error.message, nonRetryable: true });
        }
        throw error;
      }
    },
  };
}
