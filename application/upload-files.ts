import { decodeCursor, encodeCursor, type Page } from '../db/repositories/pagination.ts';
import { shownConnectorId } from '../domain/connector-ids.ts';
import { lockWorkspaceUploads, uploadedBytesAt, workspaceUploadBytes } from '../db/repositories/upload-quota.ts';
import { deleteUploadedFile, listUploadedFiles, upsertUploadedFile } from '../db/repositories/uploaded-files.ts';
import type { Connector } from '../domain/connector.ts';
import { mimeTypeFromName } from '../domain/mime-types.ts';
import { unstorableReason } from '../domain/storable-text.ts';
import type { UploadedFile, UploadUsage } from '../domain/uploaded-file.ts';
import { requireConnector, requireLiveConnector } from './connector-lookup.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';

/** A file of the request, read only when it is stored: a parsed form's `File` is one. */
export interface IncomingFile {
  /** The name the client gave; it becomes the file's path. */
  readonly name: string;
  readonly type: string;
  readonly size: number;
  bytes(): Promise<Uint8Array>;
}

/** A file name as a safe relative path: no absolute paths, no "..", forward slashes. */
function safePath(name: string): string | undefined {
  const parts = name
    .replaceAll('\\', '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.some((part) => part === '..') || unstorableReason(name)) return undefined;
  return parts.join('/');
}

function uploadConnector(connector: Connector): Connector {
  if (connector.type !== 'upload')
    throw new AppError('invalid_request', `Connector ${shownConnectorId(connector)} is a ${connector.type} connector; files go to upload connectors`);
  return connector;
}

/**
 * Stores files for an upload connector's next sync; a path uploaded again is replaced. All or none:
 * a request that would take the workspace over its upload quota stores nothing.
 */
export async function storeUploadedFiles(
  deps: AppDependencies,
  workspaceId: string,
  connectorId: string,
  readFiles: () => Promise<IncomingFile[]>,
): Promise<UploadedFile[]> {
  const connector = uploadConnector(await requireLiveConnector(deps, workspaceId, connectorId));
  // Read only for a connector the caller may write to: another workspace's id answers 404 first.
  const files = await readFiles();
  if (files.length === 0) throw new AppError('invalid_request', 'No "file" field in the form');
  const byPath = new Map<string, { file: IncomingFile; mimeType: string }>();
  for (const file of files) {
    const path = safePath(file.name);
    if (!path) throw new AppError('invalid_request', `"${file.name}" is not a usable file name`);
    // The last file of a path wins, as it would had they come one request each.
    byPath.delete(path);
    byPath.set(path, { file, mimeType: file.type || mimeTypeFromName(path) || 'application/octet-stream' });
  }
  const now = deps.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await lockWorkspaceUploads(trx, workspaceId);
    const used = await workspaceUploadBytes(trx, workspaceId);
    const freed = await uploadedBytesAt(trx, connector.id, [...byPath.keys()]);
    const adding = [...byPath.values()].reduce((sum, { file }) => sum + file.size, 0);
    const quota = deps.limits.uploadQuotaBytes;
    if (used - freed + adding > quota) {
      throw new AppError(
        'quota_exceeded',
        `Upload quota exceeded: the workspace stores ${used} of its ${quota} bytes and this upload would bring it to ${used - freed + adding}; delete files to make room`,
        { usedBytes: used, quotaBytes: quota, uploadBytes: adding },
      );
    }
    // One file's bytes at a time: the form holds the rest until their turn.
    for (const [path, { file, mimeType }] of byPath) {
      await upsertUploadedFile(trx, { connectorId: connector.id, path, mimeType, content: await file.bytes(), now });
    }
  });
  return [...byPath].map(([path, { file, mimeType }]) => ({ path, size: file.size, mimeType, updatedAt: now }));
}

/** A page of a connector's stored files in path order, with the workspace's upload quota usage. */
export async function listStoredFiles(
  deps: AppDependencies,
  workspaceId: string,
  connectorId: string,
  options: { cursor?: string | undefined; limit: number },
): Promise<Page<UploadedFile> & { usage: UploadUsage }> {
  const connector = uploadConnector(await requireConnector(deps, workspaceId, connectorId));
  const afterPath = options.cursor ? decodeCursor(options.cursor)[0] : null;
  const rows = await listUploadedFiles(deps.db, connector.id, afterPath, options.limit + 1, null);
  const items = rows.slice(0, options.limit).map((row) => ({ path: row.path, size: Number(row.size), mimeType: row.mime_type, updatedAt: row.updated_at }));
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > options.limit && last ? encodeCursor(last.path, connector.id) : null,
    usage: { usedBytes: await workspaceUploadBytes(deps.db, workspaceId), quotaBytes: deps.limits.uploadQuotaBytes },
  };
}

/** Deletes a stored file; the connector's next full sync or prune removes its document. */
export async function deleteStoredFile(deps: AppDependencies, workspaceId: string, connectorId: string, name: string): Promise<void> {
  const connector = uploadConnector(await requireLiveConnector(deps, workspaceId, connectorId));
  const path = safePath(name);
  if (!path || !(await deleteUploadedFile(deps.db, connector.id, path))) {
    throw new AppError('not_found', `Connector ${shownConnectorId(connector)} has no uploaded file "${name}"`);
  }
}
