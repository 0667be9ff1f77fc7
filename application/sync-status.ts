import { findSyncJobRow, findWorkspaceSyncJobRow, listSyncJobs, toSyncJob } from '../db/repositories/sync-jobs.ts';
import { decodeCursor, encodeCursor, type Page } from '../db/repositories/pagination.ts';
import { listSyncFailures } from '../db/repositories/sync-failures.ts';
import type { SyncJobRow } from '../db/schema.ts';
import { publicConnectorId } from '../domain/connector-ids.ts';
import type { Connector } from '../domain/connector.ts';
import type { SyncFailureItem, SyncJob } from '../domain/sync-job.ts';
import { requireConnector } from './connector-lookup.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';
import { reconcileJob } from './reconcile-job.ts';

/**
 * A job of the caller's workspace as its row stands; failed once its workflow has ended without
 * finishing it. Each page's transaction commits the row's counters, checkpoint and phase, so the row
 * is as current as the workflow's `progress` query (which answers the Temporal UI and CLI) and costs
 * no round trip to a worker busy writing pages; it answers when no worker is up too.
 */
export async function getSyncJob(deps: AppDependencies, workspaceId: string, connectorId: string, jobId: string): Promise<SyncJob> {
  return toSyncJob(await reconcileJob(deps, await requireSyncJobRow(deps, workspaceId, connectorId, jobId)), deps.now());
}

/**
 * The sync history of a connector of the caller's workspace; oldest first unless asked otherwise, as
 * the seed adapters read it in the order it happened.
 */
export async function listConnectorSyncJobs(
  deps: AppDependencies,
  workspaceId: string,
  connectorId: string,
  options: { cursor?: string | undefined; limit: number; order?: 'newest_first' | 'oldest_first' },
): Promise<Page<SyncJob>> {
  const connector = await requireConnector(deps, workspaceId, connectorId);
  return listSyncJobs(deps.db, connector.id, { ...options, order: options.order ?? 'oldest_first' }, deps.now());
}

/** The items a job could not deliver, in the order they failed. */
export async function listSyncJobFailures(
  deps: AppDependencies,
  workspaceId: string,
  connectorId: string,
  jobId: string,
  options: { cursor?: string | undefined; limit: number },
): Promise<Page<SyncFailureItem>> {
  const job = await requireSyncJobRow(deps, workspaceId, connectorId, jobId);
  const afterSeq = options.cursor ? failuresCursorSeq(options.cursor, job.id) : 0;
  const rows = await listSyncFailures(deps.db, job.id, { afterSeq, limit: options.limit + 1 });
  const items = rows.slice(0, options.limit);
  const last = items.at(-1);
  return {
    items: items.map(({ seq: _seq, ...failure }) => failure),
    nextCursor: rows.length > options.limit && last ? encodeCursor(String(last.seq), job.id) : null,
  };
}

export async function requireSyncJobRow(deps: AppDependencies, workspaceId: string, connectorId: string, jobId: string): Promise<SyncJobRow> {
  const row = await findWorkspaceSyncJobRow(deps.db, workspaceId, connectorId, jobId);
  if (!row) throw new AppError('not_found', `Sync job ${jobId} not found`);
  return row;
}

/** The position a failures cursor names: a sequence number of this very job, or a 400. */
function failuresCursorSeq(cursor: string, jobId: string): number {
  const [seq, cursorJobId] = decodeCursor(cursor);
  const position = Number(seq);
  if (cursorJobId !== jobId || !Number.isSafeInteger(position) || position < 0) {
    const message = 'cursor is not one this API returned for this job';
    throw new AppError('invalid_request', `Invalid query: cursor: ${message}`, { issues: [{ path: ['cursor'], message, code: 'custom' }] });
  }
  return position;
}

/**
 * The connector of a sync job named by its id alone, as Elastic's sync job API names it; another
 * workspace's job does not exist for the caller.
 */
export async function connectorOfSyncJob(deps: AppDependencies, workspaceId: string, jobId: string): Promise<Connector> {
  const row = await findSyncJobRow(deps.db, jobId);
  if (row?.workspace_id !== workspaceId) throw new AppError('not_found', `Sync job ${jobId} not found`);
  return requireConnector(deps, workspaceId, publicConnectorId(workspaceId, row.connector_id));
}
