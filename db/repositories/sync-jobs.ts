import { sql, type Kysely } from 'kysely';
import {
  canChangeSyncStatus,
  progressEstimate,
  type SyncCounters,
  type SyncJob,
  type SyncJobKind,
  type SyncMode,
  type SyncPhase,
  type SyncStatus,
  type SyncTrigger,
  syncStatuses,
  activeSyncStatuses,
} from '../../domain/sync-job.ts';
import { cursorHint } from '../../domain/secret-hint.ts';
import { publicConnectorId, storedConnectorIdCandidates } from '../../domain/connector-ids.ts';
import type { Database, SyncJobRow } from '../schema.ts';
import { pageQuery, type Page } from './pagination.ts';
import { deleteSyncFailures } from './sync-failures.ts';

type Executor = Kysely<Database>;

export function countersOf(row: SyncJobRow): SyncCounters {
  return {
    collected: Number(row.collected),
    parsed: Number(row.parsed),
    indexed: Number(row.indexed),
    unchanged: Number(row.unchanged),
    deleted: Number(row.deleted),
    failed: Number(row.failed),
    skipped: Number(row.skipped),
    sanitized: Number(row.sanitized),
    bytes: Number(row.bytes),
  };
}

export function toSyncJob(row: SyncJobRow, now: Date): SyncJob {
  const counters = countersOf(row);
  const total = row.total === null ? null : Number(row.total);
  return {
    jobId: row.id,
    connectorId: publicConnectorId(row.workspace_id, row.connector_id),
    kind: row.kind as SyncJobKind,
    status: row.status as SyncStatus,
    phase: row.phase as SyncPhase,
    resumeAt: row.resume_at,
    mode: row.mode as SyncMode,
    trigger: row.trigger as SyncTrigger,
    progress: {
      ...counters,
      total,
      ...progressEstimate({
        done: counters.collected,
        total,
        startedAt: row.started_at,
        now: row.finished_at ? new Date(row.finished_at) : now,
        status: row.status as SyncStatus,
      }),
    },
    sourceCursor: {
      from: row.source_cursor === null ? null : cursorHint(row.source_cursor),
      next: row.next_source_cursor === null ? null : cursorHint(row.next_source_cursor),
    },
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    error: row.error,
    workflowId: row.workflow_id,
  };
}

export async function findSyncJobRow(db: Executor, id: string): Promise<SyncJobRow | undefined> {
  return db.selectFrom('sync_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findWorkspaceSyncJobRow(db: Executor, workspaceId: string, connectorId: string, id: string): Promise<SyncJobRow | undefined> {
  return db
    .selectFrom('sync_jobs')
    .selectAll()
    .where('id', '=', id)
    .where('connector_id', 'in', storedConnectorIdCandidates(workspaceId, connectorId))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
}

export async function findActiveSyncJobRow(db: Executor, connectorId: string): Promise<SyncJobRow | undefined> {
  return db
    .selectFrom('sync_jobs')
    .selectAll()
    .where('connector_id', '=', connectorId)
    .where('status', 'in', ['queued', 'running', 'canceling'])
    .executeTakeFirst();
}

/** How a connector's last finished sync ended. */
export interface LastFinishedSync {
  jobId: string;
  status: SyncStatus;
  finishedAt: string;
  counters: SyncCounters;
  error: string | null;
}

/** The last finished sync (not prune) of each connector: when it ended, how, and what it did. */
export async function lastFinishedSyncs(db: Executor, connectorIds: string[]): Promise<Map<string, LastFinishedSync>> {
  if (connectorIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('sync_jobs as job')
    .selectAll('job')
    .where('job.connector_id', 'in', connectorIds)
    .where('job.kind', '=', 'sync')
    .where((eb) =>
      eb(
        'job.finished_at',
        '=',
        eb
          .selectFrom('sync_jobs as later')
          .select((inner) => inner.fn.max('later.finished_at').as('latest'))
          .whereRef('later.connector_id', '=', 'job.connector_id')
          .where('later.kind', '=', 'sync'),
      ),
    )
    .execute();
  return new Map(
    rows.map((row) => [
      row.connector_id,
      { jobId: row.id, status: row.status as SyncStatus, finishedAt: row.finished_at as string, counters: countersOf(row), error: row.error },
    ]),
  );
}

/** A page of a connector's jobs in the order asked; a cursor goes on in the order it was made in. */
export async function listSyncJobs(
  db: Executor,
  connectorId: string,
  options: { cursor?: string | undefined; limit: number; order: 'newest_first' | 'oldest_first' },
  now: Date,
): Promise<Page<SyncJob>> {
  return pageQuery(
    db.selectFrom('sync_jobs').selectAll().where('connector_id', '=', connectorId) as never,
    options,
    ((row: SyncJobRow) => toSyncJob(row, now)) as never,
    'created_at',
    options.order === 'oldest_first' ? 'asc' : 'desc',
  ) as Promise<Page<SyncJob>>;
}

/** Active jobs (queued, running, canceling) of every workspace by kind and connector type, for the metrics. */
export async function countActiveSyncJobs(db: Executor): Promise<Array<{ kind: string; connectorType: string; count: number }>> {
  const rows = await db
    .selectFrom('sync_jobs as job')
    .innerJoin('connectors as connector', 'connector.id', 'job.connector_id')
    .select((eb) => ['job.kind', 'connector.type', eb.fn.countAll().as('count')])
    .where('job.status', 'in', [...activeSyncStatuses])
    .groupBy(['job.kind', 'connector.type'])
    .execute();
  return rows.map((row) => ({ kind: row.kind, connectorType: row.type, count: Number(row.count) }));
}

export class SyncStatusError extends Error {
  override name = 'SyncStatusError';
}

/**
 * Moves a job to a status if the status table allows it, in one conditional statement: true only
 * when this call changed the row, false when the job was already past that status.
 */
export async function changeSyncJobStatus(
  db: Executor,
  id: string,
  to: SyncStatus,
  fields: { phase?: SyncPhase; error?: string | null; finished?: boolean; mode?: SyncMode; now: string },
): Promise<boolean> {
  const from = syncStatuses.filter((status) => canChangeSyncStatus(status, to));
  const result = await db
    .updateTable('sync_jobs')
    .set({
      status: to,
      updated_at: fields.now,
      // Any phase but `rate_limited` has no resume time.
      ...(fields.phase ? { phase: fields.phase, resume_at: null } : {}),
      ...(fields.error !== undefined ? { error: fields.error } : {}),
      ...(fields.finished ? { finished_at: fields.now } : {}),
      ...(fields.mode ? { mode: fields.mode } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return true;
  if (!(await findSyncJobRow(db, id))) throw new SyncStatusError(`Sync job ${id} does not exist`);
  return false;
}

/**
 * Records that the source limits our rate until `resumeAt` (phase `rate_limited`), or with null that
 * the job reads again (phase `reading`); only while the job runs.
 */
export async function recordRateLimit(db: Executor, id: string, resumeAt: string | null, now: string): Promise<void> {
  await db
    .updateTable('sync_jobs')
    .set({ phase: resumeAt ? 'rate_limited' : 'reading', resume_at: resumeAt, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', ['running', 'canceling'])
    .execute();
}

/**
 * Records a committed page: counters, checkpoint and page number move together, and only if the page
 * is the next one and the job still runs. False means the page was already committed or the job ended.
 */
export async function commitSyncPage(
  db: Executor,
  input: {
    jobId: string;
    page: number;
    delta: SyncCounters;
    checkpoint: string | null;
    total: number | null;
    /** The cursor the source handed out with this page, if it did. */
    nextSourceCursor?: string | undefined;
    now: string;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('sync_jobs')
    .set((eb) => ({
      page: input.page + 1,
      checkpoint: input.checkpoint,
      total: input.total,
      ...(input.nextSourceCursor === undefined ? {} : { next_source_cursor: input.nextSourceCursor }),
      updated_at: input.now,
      collected: eb('collected', '+', input.delta.collected),
      parsed: eb('parsed', '+', input.delta.parsed),
      indexed: eb('indexed', '+', input.delta.indexed),
      unchanged: eb('unchanged', '+', input.delta.unchanged),
      failed: eb('failed', '+', input.delta.failed),
      skipped: eb('skipped', '+', input.delta.skipped),
      sanitized: eb('sanitized', '+', input.delta.sanitized),
      deleted: eb('deleted', '+', input.delta.deleted),
      bytes: sql<number>`bytes + ${input.delta.bytes}`,
    }))
    .where('id', '=', input.jobId)
    .where('page', '=', input.page)
    .where('status', 'in', ['running', 'canceling'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Restarts a running job as a full sync from the beginning (the `resync` signal); its failures go with its counters. */
export async function restartSyncJob(db: Executor, id: string, now: string): Promise<void> {
  await deleteSyncFailures(db, { jobId: id });
  await db
    .updateTable('sync_jobs')
    .set({
      mode: 'full',
      since: null,
      source_cursor: null,
      next_source_cursor: null,
      page: 0,
      checkpoint: null,
      total: null,
      collected: 0,
      parsed: 0,
      indexed: 0,
      unchanged: 0,
      failed: 0,
      skipped: 0,
      sanitized: 0,
      bytes: 0,
      deleted: 0,
      trigger: 'resync',
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function recordDeleted(db: Executor, id: string, deleted: number, now: string): Promise<void> {
  await db
    .updateTable('sync_jobs')
    .set((eb) => ({ deleted: eb('deleted', '+', deleted), updated_at: now }))
    .where('id', '=', id)
    .execute();
}

/** What a prune did: ids listed by the source, documents removed. */
export async function recordPrune(db: Executor, id: string, result: { listed: number; deleted: number }, now: string): Promise<void> {
  await db.updateTable('sync_jobs').set({ collected: result.listed, deleted: result.deleted, updated_at: now }).where('id', '=', id).execute();
}

export async function deleteSyncJobs(db: Executor, connectorId: string): Promise<void> {
  await db.deleteFrom('sync_jobs').where('connector_id', '=', connectorId).execute();
}
