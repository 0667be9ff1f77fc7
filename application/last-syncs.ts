import { countDocumentsByConnector } from '../db/repositories/documents.ts';
import { lastFinishedSyncs, type LastFinishedSync } from '../db/repositories/sync-jobs.ts';
import type { Connector } from '../domain/connector.ts';
import { workflowIds } from '../domain/workflow-ids.ts';
import type { AppDependencies } from './dependencies.ts';

export type LastSync = LastFinishedSync;

/**
 * How long a page of connectors waits for their schedules to tell their next run; the schedules are
 * asked all at once, so a page costs one deadline at most, and an answer too late shows as null.
 */
const SCHEDULE_DESCRIBE_TIMEOUT_MS = 1000;

/** What the API tells of a connector's health besides its state. */
export interface ConnectorHealth {
  lastSync: LastSync | undefined;
  /** When its sync schedule starts the next run; null when paused, manual, past its last run, or unknown. */
  nextRunAt: string | null;
  documentCount: number;
}

/** The last finished sync of each connector, by connector id, read in one query for a whole page of them. */
export function lastSyncsOf(deps: Pick<AppDependencies, 'db'>, connectors: Connector[]): Promise<Map<string, LastSync>> {
  return lastFinishedSyncs(
    deps.db,
    connectors.map((connector) => connector.id),
  );
}

/** The health of a page of connectors by connector id: one query per concern, the schedules described concurrently. */
export async function connectorHealthOf(
  deps: Pick<AppDependencies, 'db' | 'temporal' | 'logger'>,
  connectors: Connector[],
): Promise<Map<string, ConnectorHealth>> {
  const [lastSyncs, documentCounts, nextRuns] = await Promise.all([
    lastSyncsOf(deps, connectors),
    countDocumentsByConnector(
      deps.db,
      connectors.map((connector) => connector.id),
    ),
    nextRunsOf(deps, connectors),
  ]);
  return new Map(
    connectors.map((connector, index) => [
      connector.id,
      { lastSync: lastSyncs.get(connector.id), nextRunAt: nextRuns[index] ?? null, documentCount: documentCounts.get(connector.id) ?? 0 },
    ]),
  );
}

/** How long a schedule's next run, once described, is trusted at most; a pause from the Temporal UI shows within it. */
const NEXT_RUN_CACHE_MS = 60_000;
/** Entries kept per Temporal client before the expired ones are swept. */
const NEXT_RUN_CACHE_SIZE = 10_000;

/**
 * Next runs described per Temporal client, by connector id, version and state: a change of the
 * connector through the API (its schedule, a pause) is a new version, and a next run holds until it
 * passes, so a list costs a describe per connector about once a minute rather than on every request.
 */
const nextRunCaches = new WeakMap<object, Map<string, { nextRunAt: string | null; until: number }>>();

/** The next action time of each connector's sync schedule, in the connectors' order. */
function nextRunsOf(deps: Pick<AppDependencies, 'temporal' | 'logger'>, connectors: Connector[]): Promise<Array<string | null>> {
  const deadline = Date.now() + SCHEDULE_DESCRIBE_TIMEOUT_MS;
  let cache = nextRunCaches.get(deps.temporal);
  if (!cache) nextRunCaches.set(deps.temporal, (cache = new Map()));
  const known = cache;
  if (known.size > NEXT_RUN_CACHE_SIZE) for (const [key, entry] of known) if (entry.until <= Date.now()) known.delete(key);
  return Promise.all(
    connectors.map(async (connector) => {
      // A manual schedule has no times, and a connector being created or deleted may have no schedule: nothing to ask.
      if (connector.schedule.type === 'manual' || connector.state === 'creating' || connector.state === 'deleting') return null;
      const key = `${connector.id}\u0000${connector.version}\u0000${connector.state}`;
      const cached = known.get(key);
      if (cached && cached.until > Date.now()) return cached.nextRunAt;
      try {
        const description = await deps.temporal.withDeadline(deadline, () =>
          deps.temporal.schedule.getHandle(workflowIds.connectorSchedule(connector.id)).describe(),
        );
        const nextRunAt = description.state.paused ? null : (description.info.nextActionTimes[0]?.toISOString() ?? null);
        const expires = Date.now() + NEXT_RUN_CACHE_MS;
        known.set(key, { nextRunAt, until: nextRunAt ? Math.min(Date.parse(nextRunAt), expires) : expires });
        return nextRunAt;
      } catch (error) {
        deps.logger.debug({ err: error, connectorId: connector.id }, 'the schedule of a connector could not be described; its next run is unknown');
        return null;
      }
    }),
  );
}
