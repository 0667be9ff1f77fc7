import { mimeTypeFromName } from '../../domain/mime-types.ts';
import type { SourceDocument } from '../source.ts';
import type { DriveItem } from './api.ts';

/** Item ids are unique within a drive only. */
export const itemExternalId = (driveId: string, itemId: string) => `${driveId}/${itemId}`;

/** What a file is parsed as: its name's type when Tributary knows it (Graph often says octet-stream), else what Graph says. */
export function fileMimeType(item: DriveItem): string {
  return mimeTypeFromName(item.name ?? '') ?? item.file?.mimeType ?? 'application/octet-stream';
}

const parsedTypes = new Set([
  'application/json',
  'application/pdf',
  'application/xhtml+xml',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
]);

/** Files worth downloading: those of a type the sync parses; images, videos and archives would only fail to parse. */
export function isReadableFile(item: DriveItem): boolean {
  if (!item.file || item.deleted) return false;
  const type = fileMimeType(item).split(';')[0]?.trim().toLowerCase() ?? '';
  return type.startsWith('text/') || parsedTypes.has(type);
}

/** Where a drive holds the item: Graph's `/drives/{id}/root:/Design` trimmed to `/Design`, then the name; delta answers leave it out. */
function pathOf(item: DriveItem): string | undefined {
  const parent = item.parentReference?.path;
  if (!parent) return undefined;
  const at = parent.indexOf('root:');
  const folder = decodeURIComponent(at === -1 ? parent : parent.slice(at + 'root:'.length));
  return `${folder.replace(/\/$/, '')}/${item.name ?? ''}`;
}

export function fileDocument(input: { driveId: string; item: DriveItem; content: Uint8Array; driveName: string; siteName: string | null }): SourceDocument {
  const { driveId, item } = input;
  const metadata: Record<string, string> = { drive: input.driveName, mimeType: fileMimeType(item) };
  const optional: Record<string, string | null | undefined> = {
    site: input.siteName,
    path: pathOf(item),
    author: item.createdBy?.user?.displayName,
    modifiedBy: item.lastModifiedBy?.user?.displayName,
    created: item.createdDateTime,
    modified: item.lastModifiedDateTime,
  };
  for (const [name, value] of Object.entries(optional)) if (value) metadata[name] = value;
  return {
    externalId: itemExternalId(driveId, item.id),
    title: item.name ?? null,
    url: item.webUrl ?? null,
    body: input.content,
    mimeType: fileMimeType(item),
    metadata,
    updatedAt: item.lastModifiedDateTime ?? null,
  };
}
