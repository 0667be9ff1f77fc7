import type { Kysely } from 'kysely';
import type { SyncFailureStage } from '../../domain/sync-job.ts';
import type { Database } from '../schema.ts';
import { chunks } from './chunks.ts';

type Executor = Kysely<Database>;

/** An item a job could not deliver: the source's id for it, where it failed, and why. */
export interface SyncFailure {
  externalId: string;
  stage: SyncFailureStage;
  error: string;
}

/** Appends a page's failures to its job, numbered after those already recorded. */
export async function recordSyncFailures(db: Executor, scope: { jobId: string; connectorId: string; now: string }, failures: SyncFailure[]): Promise<void> {
  if (failures.length === 0) return;
  const last = await db
    .selectFrom('sync_failures')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('job_id', '=', scope.jobId)
    .executeTakeFirst();
  let seq = Number(last?.seq ?? 0);
  for (const batch of chunks(failures, 500)) {
    await db
      .insertInto('sync_failures')
      .values(
        batch.map((failure) => ({
          job_id: scope.jobId,
          seq: (seq += 1),
          connector_id: scope.connectorId,
          external_id: failure.externalId,
          stage: failure.stage,
          error: failure.error,
          created_at: scope.now,
        })),
      )
      .execute();
  }
}

/** A job's failures in the order they happened, after `afterSeq` (the cursor of the previous page). */
export async function listSyncFailures(
  db: Executor,
  jobId: string,
  options: { afterSeq?: number; limit: number },
): Promise<Array<SyncFailure & { seq: number; at: string }>> {
  const rows = await db
    .selectFrom('sync_failures')
    .selectAll()
    .where('job_id', '=', jobId)
    .where('seq', '>', options.afterSeq ?? 0)
    .orderBy('seq')
    .limit(options.limit)
    .execute();
  return rows.map((row) => ({ seq: row.seq, externalId: row.external_id, stage: row.stage as SyncFailure['stage'], error: row.error, at: row.created_at }));
}

export async function deleteSyncFailures(db: Executor, scope: { jobId: string } | { connectorId: string }): Promise<void> {
  const query = db.deleteFrom('sync_failures');
  await ('jobId' in scope ? query.where('job_id', '=', scope.jobId) : query.where('connector_id', '=', scope.connectorId)).execute();
}
