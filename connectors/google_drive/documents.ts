import { mimeTypeFromName } from '../../domain/mime-types.ts';
import type { SourceDocument } from '../source.ts';
import type { DriveFile } from './api.ts';

/** How a file's content is read: Google's own formats are exported as text, stored files downloaded as they are. */
export type ContentPlan = { kind: 'export'; mimeType: string } | { kind: 'download'; mimeType: string };

const exportedAs: Readonly<Record<string, string>> = {
  'application/vnd.google-apps.document': 'text/plain',
  // Drive exports a spreadsheet's first sheet only.
  'application/vnd.google-apps.spreadsheet': 'text/csv',
  'application/vnd.google-apps.presentation': 'text/plain',
};

/** Stored types the parsing stage reads, under the name Drive may give them. */
const readableTypes: Readonly<Record<string, string>> = {
  'application/pdf': 'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'text/html': 'text/html',
  'text/markdown': 'text/markdown',
  'text/x-markdown': 'text/markdown',
  'text/plain': 'text/plain',
  'text/csv': 'text/csv',
  'application/json': 'application/json',
};

/** Uploads Drive could not type; their name says what they hold. */
const untypedUploads = new Set(['application/octet-stream', 'binary/octet-stream']);

/** How to read a file, or undefined for folders and the types Tributary cannot parse (images, archives, shortcuts, forms). */
export function contentPlan(file: DriveFile): ContentPlan | undefined {
  const exportType = exportedAs[file.mimeType];
  if (exportType) return { kind: 'export', mimeType: exportType };
  const stored = Object.hasOwn(readableTypes, file.mimeType)
    ? readableTypes[file.mimeType]
    : untypedUploads.has(file.mimeType)
      ? mimeTypeFromName(file.name)
      : undefined;
  return stored ? { kind: 'download', mimeType: stored } : undefined;
}

/** `path` is the folder path from the root that holds the file (`Team/Specs`), empty for a file right under it. */
export function driveDocument(file: DriveFile, path: string, content: { body: Uint8Array; mimeType: string }): SourceDocument {
  const owners = (file.owners ?? []).map((owner) => owner.displayName ?? owner.emailAddress ?? '').filter(Boolean);
  return {
    externalId: file.id,
    title: file.name,
    url: file.webViewLink ?? null,
    body: content.body,
    mimeType: content.mimeType,
    metadata: {
      owners: owners.join(', '),
      modified: file.modifiedTime ?? '',
      created: file.createdTime ?? '',
      mimeType: file.mimeType,
      path,
    },
    updatedAt: file.modifiedTime ?? null,
  };
}

export const childPath = (path: string, name: string) => (path ? `${path}/${name}` : name);
