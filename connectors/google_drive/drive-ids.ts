import { z } from 'zod';

/** Takes a Drive file or folder id, or any Drive/Docs link to it, and yields the id. */
export function extractDriveId(value: string): string | undefined {
  const trimmed = value.trim();
  if (/^[A-Za-z0-9_-]{10,}$/.test(trimmed)) return trimmed;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (!/(^|\.)google\.com$/.test(url.hostname)) return undefined;
  const fromPath = /\/(?:folders|d)\/([A-Za-z0-9_-]{10,})/.exec(url.pathname)?.[1];
  return fromPath ?? url.searchParams.get('id') ?? undefined;
}

export const driveIdSchema = z.string().transform((value, context) => {
  const id = extractDriveId(value);
  if (!id) {
    context.addIssue({ code: 'custom', message: 'must be a Google Drive file or folder id, or a link to one' });
    return z.NEVER;
  }
  return id;
});
