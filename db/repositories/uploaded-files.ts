import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { documentId } from './documents.ts';

type Executor = Kysely<Database>;

export async function upsertUploadedFile(
  db: Executor,
  file: { connectorId: string; path: string; mimeType: string; content: Uint8Array; now: string },
): Promise<void> {
  await db
    .insertInto('uploaded_files')
    .values({
      id: documentId(file.connectorId, `uploads/${file.path}`),
      connector_id: file.connectorId,
      path: file.path,
      mime_type: file.mimeType,
      size: file.content.byteLength,
      content: file.content,
      created_at: file.now,
      updated_at: file.now,
    })
    .onConflict((conflict) =>
      conflict.columns(['connector_id', 'path']).doUpdateSet((eb) => ({
        mime_type: eb.ref('excluded.mime_type'),
        size: eb.ref('excluded.size'),
        content: eb.ref('excluded.content'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/**
 * Uploaded files of a connector in path order, after `afterPath`, changed since `since` when given:
 * their sizes, never their content, so a listing costs little however large the files are.
 */
export async function listUploadedFiles(db: Executor, connectorId: string, afterPath: string | null, limit: number, since: string | null) {
  let query = db.selectFrom('uploaded_files').select(['path', 'mime_type', 'size', 'updated_at']).where('connector_id', '=', connectorId);
  if (afterPath !== null) query = query.where('path', '>', afterPath);
  if (since !== null) query = query.where('updated_at', '>', since);
  return query.orderBy('path').limit(limit).execute();
}

/** The content of the named files of a connector; the caller bounds how many bytes it asks for. */
export async function readUploadedFileContents(db: Executor, connectorId: string, paths: string[]): Promise<Map<string, Uint8Array>> {
  const contents = new Map<string, Uint8Array>();
  if (paths.length === 0) return contents;
  const rows = await db.selectFrom('uploaded_files').select(['path', 'content']).where('connector_id', '=', connectorId).where('path', 'in', paths).execute();
  for (const row of rows) contents.set(row.path, row.content);
  return contents;
}

export async function countUploadedFiles(db: Executor, connectorId: string): Promise<number> {
  const row = await db
    .selectFrom('uploaded_files')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('connector_id', '=', connectorId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function deleteUploadedFiles(db: Executor, connectorId: string): Promise<void> {
  await db.deleteFrom('uploaded_files').where('connector_id', '=', connectorId).execute();
}

/** Deletes one uploaded file of a connector; false when there was none at that path. */
export async function deleteUploadedFile(db: Executor, connectorId: string, path: string): Promise<boolean> {
  const result = await db.deleteFrom('uploaded_files').where('connector_id', '=', connectorId).where('path', '=', path).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
