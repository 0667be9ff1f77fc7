import {
  MONTHS,
  ScheduleOverlapPolicy,
  type ScheduleOptions,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Connector } from '../domain/connector.ts';
import type { Schedule } from '../domain/schedule.ts';
import { workflowIds } from './ids.ts';
import { connectorSearchAttributes } from './search-attributes.ts';

/** Marks whose schedule this is, so a schedule id taken by something else is never mistaken for ours. */
export interface ConnectorScheduleMemo {
  tributaryConnectorId: string;
  tributaryCreationId: string;
}

export function scheduleSpec(schedule: Schedule): { spec: ScheduleSpec; remainingActions?: number } {
  switch (schedule.type) {
    case 'manual':
      // No times: the schedule exists for inspection and manual triggers only.
      return { spec: {} };
    case 'interval':
      return { spec: { intervals: [{ every: `${schedule.everySeconds}s` }] } };
    case 'cron':
      return { spec: { cronExpressions: [schedule.expression], timezone: schedule.timezone ?? 'UTC' } };
    case 'once': {
      const at = new Date(schedule.at);
      return {
        spec: {
          calendars: [
            {
              year: at.getUTCFullYear(),
              month: MONTHS[at.getUTCMonth()],
              dayOfMonth: at.getUTCDate(),
              hour: at.getUTCHours(),
              minute: at.getUTCMinutes(),
              second: at.getUTCSeconds(),
            },
          ],
          timezone: 'UTC',
        },
        remainingActions: 1,
      };
    }
  }
}

export interface ConnectorScheduleOptionsInput {
  connector: Connector;
  creationId: string;
  taskQueue: string;
  paused: boolean;
}

/** The Temporal Schedule of a connector: starts its sync workflow, never two at once. */
export function connectorScheduleOptions({
  connector,
  creationId,
  taskQueue,
  paused,
}: ConnectorScheduleOptionsInput): ScheduleOptions {
  const { spec, remainingActions } = scheduleSpec(connector.schedule);
  const memo: ConnectorScheduleMemo = { tributaryConnectorId: connector.id, tributaryCreationId: creationId };
  return {
    scheduleId: workflowIds.connectorSchedule(connector.id),
    spec,
    action: {
      type: 'startWorkflow',
      workflowType: 'syncConnector',
      workflowId: workflowIds.syncConnector(connector.id),
      taskQueue,
      args: [{ connectorId: connector.id, trigger: 'schedule' }],
      typedSearchAttributes: connectorSearchAttributes(connector),
      staticSummary: `Scheduled sync of ${connector.type} connector "${connector.name}"`,
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: '1 minute',
    },
    state: {
      paused,
      note: paused ? 'Waiting for credentials' : `Schedule of connector ${connector.id}`,
      ...(remainingActions === undefined ? {} : { remainingActions }),
    },
    memo: { ...memo },
    typedSearchAttributes: connectorSearchAttributes(connector),
  };
}
