import { lastFinishedSyncs } from '../db/repositories/sync-jobs.ts';
import type { Connector } from '../domain/connector.ts';
import type { SyncStatus } from '../domain/sync-job.ts';
import type { AppDependencies } from './dependencies.ts';

export type LastSync = { status: SyncStatus; finishedAt: string };

/** The last finished sync of each connector, by connector id, read in one query for a whole page of them. */
export function lastSyncsOf(deps: Pick<AppDependencies, 'db'>, connectors: Connector[]): Promise<Map<string, LastSync>> {
  return lastFinishedSyncs(
    deps.db,
    connectors.map((connector) => connector.id),
  );
}
