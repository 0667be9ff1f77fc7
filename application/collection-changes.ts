import { workspaceHasCollection } from '../db/repositories/connectors.ts';
import { collectionHasChanges, decodeChangeCursor, readDocumentChanges } from '../db/repositories/document-changes.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';

/**
 * A page of a collection's change feed after `cursor` (from the start without one). A collection
 * answers while a connector of the workspace writes to it or its feed holds changes, so a consumer
 * still reads the deletions of a connector deleted last.
 */
export async function listCollectionChanges(
  deps: AppDependencies,
  workspaceId: string,
  collection: string,
  query: { cursor?: string | undefined; limit: number },
) {
  const scope = { workspaceId, collection };
  if (!(await workspaceHasCollection(deps.db, workspaceId, collection)) && !(await collectionHasChanges(deps.db, scope))) {
    throw new AppError('not_found', `Collection ${collection} not found`);
  }
  const cursor = query.cursor === undefined ? null : decodeChangeCursor(query.cursor);
  if (cursor && cursor.collection !== collection) {
    const message = `it was issued by the change feed of collection ${cursor.collection}`;
    throw new AppError('invalid_request', `Invalid query: cursor: ${message}`, { issues: [{ path: ['cursor'], message, code: 'custom' }] });
  }
  const page = await readDocumentChanges(deps.db, scope, { cursor, limit: query.limit });
  if (page.expired) {
    throw new AppError(
      'cursor_expired',
      `The cursor is older than the change feed of collection ${collection} keeps (TRIBUTARY_CHANGE_FEED_RETENTION_DAYS): changes after it were compacted away. Re-read the collection from the start: clear what you built from it and read the feed again without a cursor.`,
      { compactedThrough: page.compactedThrough },
    );
  }
  return page;
}
