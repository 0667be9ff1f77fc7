import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.ts';
import type { Database } from '../schema.ts';

type Executor = Kysely<Database>;

/** Bytes of uploaded files a workspace keeps over all its connectors, for its upload quota. */
export async function workspaceUploadBytes(db: Executor, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('uploaded_files')
    .innerJoin('connectors', 'connectors.id', 'uploaded_files.connector_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('uploaded_files.size'), eb.lit(0)).as('bytes'))
    .where('connectors.workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return Number(row.bytes);
}

/** Bytes a connector keeps at these paths: what an upload replacing them frees. */
export async function uploadedBytesAt(db: Executor, connectorId: string, paths: string[]): Promise<number> {
  let bytes = 0;
  // In slices, so a form of many small files stays under the dialects' limits on bound parameters.
  for (let start = 0; start < paths.length; start += 500) {
    const row = await db
      .selectFrom('uploaded_files')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('size'), eb.lit(0)).as('bytes'))
      .where('connector_id', '=', connectorId)
      .where('path', 'in', paths.slice(start, start + 500))
      .executeTakeFirstOrThrow();
    bytes += Number(row.bytes);
  }
  return bytes;
}

/**
 * Holds a workspace's uploads to one transaction at a time, so two uploads cannot both take room for
 * one. SQLite serialises write transactions already; PostgreSQL takes a transaction advisory lock.
 */
export async function lockWorkspaceUploads(trx: Executor, workspaceId: string): Promise<void> {
  if (!isPostgres(trx as Kysely<unknown>)) return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${`uploads:${workspaceId}`}, 0))`.execute(trx);
}
