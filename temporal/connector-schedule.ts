import { MONTHS, ScheduleOverlapPolicy, type ScheduleOptions, type ScheduleSpec } from '@temporalio/client';
import type { Connector } from '../domain/connector.ts';
import type { Schedule } from '../domain/schedule.ts';
import { pruneConnector } from '../workflows/prune-connector.ts';
import { syncConnector } from '../workflows/sync-connector.ts';
import { workflowIds } from '../domain/workflow-ids.ts';
import { connectorSearchAttributes } from './search-attributes.ts';

/** Marks whose schedule this is, so a schedule id taken by something else is never mistaken for ours. */
export interface ConnectorScheduleMemo {
  tributaryConnectorId: string;
  tributaryCreationId: string;
}

/** Whether a schedule's memo marks it as made for this connector, and by this creation when one is given. */
export function madeFor(memo: Record<string, unknown> | undefined, connectorId: string, creationId?: string): boolean {
  const ours = memo as Partial<ConnectorScheduleMemo> | undefined;
  return ours?.tributaryConnectorId === connectorId && (creationId === undefined || ours.tributaryCreationId === creationId);
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

export type ScheduleKind = 'sync' | 'prune';

export interface ConnectorScheduleOptionsInput {
  connector: Connector;
  kind: ScheduleKind;
  creationId: string;
  taskQueue: string;
  paused: boolean;
}

const scheduleKinds = {
  sync: {
    scheduleId: workflowIds.connectorSchedule,
    workflowId: workflowIds.syncConnector,
    workflowType: syncConnector,
    schedule: (connector: Connector) => connector.schedule,
    summary: (connector: Connector) => `Scheduled sync of ${connector.type} connector "${connector.name}"`,
  },
  prune: {
    scheduleId: workflowIds.connectorPruneSchedule,
    workflowId: workflowIds.pruneConnector,
    workflowType: pruneConnector,
    schedule: (connector: Connector) => connector.pruneSchedule,
    summary: (connector: Connector) => `Scheduled prune of ${connector.type} connector "${connector.name}"`,
  },
} as const;

export function connectorScheduleId(kind: ScheduleKind, connectorId: string): string {
  return scheduleKinds[kind].scheduleId(connectorId);
}

/** The kinds of schedule a connector has: always a sync schedule, a prune schedule when it sets one. */
export function scheduleKindsOf(connector: Pick<Connector, 'pruneSchedule'>): ScheduleKind[] {
  return connector.pruneSchedule ? ['sync', 'prune'] : ['sync'];
}

/** A Temporal Schedule of a connector: starts its sync (or prune) workflow, never two at once. */
export function connectorScheduleOptions({ connector, kind, creationId, taskQueue, paused }: ConnectorScheduleOptionsInput): ScheduleOptions {
  const definition = scheduleKinds[kind];
  const { spec, remainingActions } = scheduleSpec(definition.schedule(connector) ?? { type: 'manual' });
  const memo: ConnectorScheduleMemo = { tributaryConnectorId: connector.id, tributaryCreationId: creationId };
  return {
    scheduleId: definition.scheduleId(connector.id),
    spec,
    action: {
      type: 'startWorkflow',
      workflowType: definition.workflowType,
      workflowId: definition.workflowId(connector.id),
      taskQueue,
      args: [{ connectorId: connector.id, trigger: 'schedule' }],
      typedSearchAttributes: connectorSearchAttributes(connector),
      staticSummary: definition.summary(connector),
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: '1 minute',
    },
    state: {
      paused,
      note: paused ? 'Paused until the connector is connected' : `Schedule of connector ${connector.id}`,
      ...(remainingActions === undefined ? {} : { remainingActions }),
    },
    memo: { ...memo },
    typedSearchAttributes: connectorSearchAttributes(connector),
  };
}
