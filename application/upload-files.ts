import { upsertUploadedFile } from '../db/repositories/uploaded-files.ts';
import { mimeTypeFromName } from '../domain/mime-types.ts';
import { requireConnector } from './connector-lookup.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';

export interface IncomingFile {
  /** The name the client gave; it becomes the file's path. */
  name: string;
  type: string;
  content: Uint8Array;
}

/** A file name as a safe relative path: no absolute paths, no "..", forward slashes. */
function safePath(name: string): string | undefined {
  const parts = name
    .replaceAll('\\', '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.some((part) => part === '..')) return undefined;
  return parts.join('/');
}

/** Stores files for an upload connector's next sync; a path uploaded again is replaced. */
export async function storeUploadedFiles(deps: AppDependencies, workspaceId: string, connectorId: string, readFiles: () => Promise<IncomingFile[]>) {
  const connector = await requireConnector(deps, workspaceId, connectorId);
  if (connector.type !== 'upload')
    throw new AppError('invalid_request', `Connector ${connector.id} is a ${connector.type} connector; files go to upload connectors`);
  // Read only for a connector the caller may write to: another workspace's id answers 404 first.
  const files = await readFiles();
  if (files.length === 0) throw new AppError('invalid_request', 'No "file" field in the form');
  const stored = files.map((file) => {
    const path = safePath(file.name);
    if (!path) throw new AppError('invalid_request', `"${file.name}" is not a usable file name`);
    return { path, content: file.content, mimeType: file.type || mimeTypeFromName(path) || 'application/octet-stream' };
  });
  const now = deps.now().toISOString();
  for (const file of stored) await upsertUploadedFile(deps.db, { connectorId: connector.id, ...file, now });
  return stored.map((file) => ({ path: file.path, size: file.content.byteLength, mimeType: file.mimeType }));
}
