import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SyncJobKind, SyncMode, SyncTrigger } from '../../domain/sync-job.ts';
import { isUniqueViolation } from '../database.ts';
import type { Database } from '../schema.ts';
import { findActiveSyncJobRow } from './sync-jobs.ts';

type Executor = Kysely<Database>;

/** Where a sync job starts: the one place that decides between a full and an incremental read, and from which cursor. */

export type OpenedSyncJob = { opened: true; mode: SyncMode; since: string | null } | { opened: false; activeJobId: string };

/**
 * Opens a job for a connector, the one place that decides how a run starts: incremental from the
 * start of the last successful sync and from the source cursor it handed out, or full when asked,
 * when none succeeded yet, or when the connector's config changed since (new roots or filters must
 * be read in full). At most one job of a connector is active; the unique index refuses a second and
 * the active one is named.
 */
export async function openSyncJob(
  db: Executor,
  job: {
    id: string;
    workspaceId: string;
    connectorId: string;
    kind: SyncJobKind;
    requestedMode: SyncMode;
    trigger: SyncTrigger;
    status: 'queued' | 'running';
    workflowId: string | null;
    now: string;
  },
): Promise<OpenedSyncJob> {
  const fingerprint = await connectorConfigFingerprint(db, job.connectorId);
  const previous = job.requestedMode === 'incremental' ? await lastSucceededSync(db, job.connectorId) : undefined;
  // Jobs from before fingerprints were kept have none; they count as the same config.
  const resumable = previous && (previous.config_fingerprint === null || previous.config_fingerprint === fingerprint) ? previous : undefined;
  const mode: SyncMode = resumable ? 'incremental' : 'full';
  const since = resumable?.started_at ?? null;
  try {
    await db
      .insertInto('sync_jobs')
      .values({
        id: job.id,
        workspace_id: job.workspaceId,
        connector_id: job.connectorId,
        kind: job.kind,
        mode,
        trigger: job.trigger,
        status: job.status,
        phase: job.status === 'queued' ? 'queued' : 'reading',
        since,
        config_fingerprint: fingerprint,
        source_cursor: resumable?.next_source_cursor ?? null,
        workflow_id: job.workflowId,
        created_at: job.now,
        started_at: job.now,
        updated_at: job.now,
      })
      .execute();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const active = await findActiveSyncJobRow(db, job.connectorId);
    return { opened: false, activeJobId: active?.id ?? 'unknown' };
  }
  return { opened: true, mode, since };
}

/** A hash of the connector's config with its keys in order, so the same config always gives the same one. */
async function connectorConfigFingerprint(db: Executor, connectorId: string): Promise<string | null> {
  const row = await db.selectFrom('connectors').select('config').where('id', '=', connectorId).executeTakeFirst();
  if (!row) return null;
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([key, inner]) => [key, canonical(inner)]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical(JSON.parse(row.config))))
    .digest('hex');
}

/** Where an incremental sync starts: the last sync (not prune) that succeeded. */
async function lastSucceededSync(db: Executor, connectorId: string) {
  return db
    .selectFrom('sync_jobs')
    .select(['started_at', 'config_fingerprint', 'next_source_cursor'])
    .where('connector_id', '=', connectorId)
    .where('kind', '=', 'sync')
    .where('status', '=', 'succeeded')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * An incremental job that succeeds without a new cursor from its source keeps the one it started
 * from, so the next sync does not fall back to a full read.
 */
export async function keepSourceCursor(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('sync_jobs')
    .set((eb) => ({ next_source_cursor: eb.ref('source_cursor') }))
    .where('id', '=', id)
    .where('mode', '=', 'incremental')
    .where('next_source_cursor', 'is', null)
    .execute();
}
