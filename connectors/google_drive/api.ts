import type { Response } from 'undici';
import { z } from 'zod';
import type { HttpFetch } from '../../net/guarded-fetch.ts';
import { readPage, type Listing, type ListingPage } from '../http/paging.ts';
import { SourceHttpError, retryAfterSeconds } from '../http/source-errors.ts';

/** Google Drive API v3 wire format: the few calls and fields the reader uses. */

export const FOLDER_MIME_TYPE = 'application/vnd.google-apps.folder';

/** Items a listing or changes page asks for; a sync page reads the content of each, so pages stay well under Drive's maximum of 1000. */
const PAGE_SIZE = 100;

/** Every request names shared drives, or Drive answers as if they did not exist. */
const ALL_DRIVES = 'supportsAllDrives=true&includeItemsFromAllDrives=true';
const FILE_FIELDS = 'id,name,mimeType,modifiedTime,createdTime,size,webViewLink,owners(displayName,emailAddress),parents,trashed,driveId';

export const driveFileSchema = z.object({
  id: z.string(),
  name: z.string(),
  mimeType: z.string(),
  modifiedTime: z.string().optional(),
  createdTime: z.string().optional(),
  /** Bytes as a decimal string; absent for Google Docs, Sheets and Slides, which have no stored bytes. */
  size: z.string().optional(),
  webViewLink: z.string().optional(),
  /** Absent for files in a shared drive, which the drive owns. */
  owners: z.array(z.object({ displayName: z.string().optional(), emailAddress: z.string().optional() })).optional(),
  parents: z.array(z.string()).optional(),
  trashed: z.boolean().optional(),
  /** The shared drive holding the file; for a shared drive's root folder, its own id. */
  driveId: z.string().optional(),
});
export type DriveFile = z.infer<typeof driveFileSchema>;

const changeSchema = z.object({
  /** Absent on changes to a shared drive itself (`changeType: drive`). */
  fileId: z.string().optional(),
  removed: z.boolean().optional(),
  file: driveFileSchema.optional(),
});
export type DriveChange = z.infer<typeof changeSchema>;

const changeListSchema = z.object({
  changes: z.array(changeSchema),
  nextPageToken: z.string().optional(),
  newStartPageToken: z.string().optional(),
});
export type DriveChangeList = z.infer<typeof changeListSchema>;

const startPageTokenSchema = z.object({ startPageToken: z.string() });
const ancestorSchema = z.object({ id: z.string(), name: z.string(), parents: z.array(z.string()).optional() });
export type DriveAncestor = z.infer<typeof ancestorSchema>;

const errorBodySchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string(),
    status: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional() })).optional(),
  }),
});

/** Drive reports per-user and per-project quotas as 403s as well as 429s; they pass as rate limits, not as a refused credential. */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'sharingRateLimitExceeded']);

/** A Drive error answer, with the reason Drive gives (`exportSizeLimitExceeded`, `cannotDownloadFile`, ...). */
export class DriveApiError extends SourceHttpError {
  override name = 'DriveApiError';
  readonly reason: string | undefined;
  constructor(status: number, message: string, retryAfter: number | undefined, reason: string | undefined) {
    super(status, message, retryAfter);
    this.reason = reason;
  }
}

export interface DriveApi {
  /** A file or folder by id; undefined when Drive does not have it or the credential cannot see it. */
  file(id: string): Promise<DriveFile | undefined>;
  /** One page of a folder's files and folders that are not in the trash; `driveId` when the folder is in a shared drive. */
  children(folderId: string, driveId: string | null, pageToken: string | null): Promise<ListingPage<DriveFile>>;
  /** One page of every file and folder not in the trash that the credential can read, in My Drive and every shared drive. */
  everything(pageToken: string | null): Promise<ListingPage<DriveFile>>;
  /** Where the changes feed stands now: what changes after this token is listed from it. */
  startPageToken(): Promise<string>;
  changes(pageToken: string): Promise<DriveChangeList>;
  /** A folder's name and parents, for telling whether a changed file is under a root; undefined when it cannot be seen. */
  ancestor(id: string): Promise<DriveAncestor | undefined>;
  /** A Google Doc, Sheet or Slides file exported in `mimeType`. */
  exported(id: string, mimeType: string): Promise<Uint8Array>;
  /** A stored file's bytes. */
  downloaded(id: string): Promise<Uint8Array>;
}

export interface DriveApiOptions {
  apiUrl: string;
  /** The reader's `sourceFetch`, or for a delegated token its equivalent: authorized and retrying. */
  fetch: HttpFetch;
}

export function driveApi(options: DriveApiOptions): DriveApi {
  const { apiUrl } = options;
  // Non-2xx answers throw here, so listings and downloads alike carry Drive's own reason.
  const fetch: HttpFetch = async (url, init = {}) => {
    const response = await options.fetch(url, init);
    if (!response.ok) throw await driveError(response, `Google Drive (${new URL(url).pathname})`);
    return response;
  };

  async function getJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const response = await fetch(`${apiUrl}${path}`, { headers: { accept: 'application/json' } });
    return schema.parse(await response.json());
  }

  async function bytes(path: string): Promise<Uint8Array> {
    const response = await fetch(`${apiUrl}${path}`, {});
    return new Uint8Array(await response.arrayBuffer());
  }

  async function unlessNotFound<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof DriveApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  const fileId = (id: string) => encodeURIComponent(id);

  /** One page of `files.list` for a query and corpus. */
  function listFiles(search: Record<string, string>, pageToken: string | null): Promise<ListingPage<DriveFile>> {
    const query = new URLSearchParams({
      ...search,
      fields: `nextPageToken,files(${FILE_FIELDS})`,
      pageSize: String(PAGE_SIZE),
      supportsAllDrives: 'true',
      includeItemsFromAllDrives: 'true',
    });
    const listing: Listing<DriveFile> = {
      service: 'Google Drive',
      baseUrl: apiUrl,
      request: { path: `/drive/v3/files?${query.toString()}` },
      itemsAt: 'files',
      item: driveFileSchema,
      paging: { kind: 'bodyCursor', cursorAt: 'nextPageToken', sendAs: { query: 'pageToken' } },
    };
    return readPage(fetch, listing, pageToken === null ? null : { cursor: pageToken });
  }

  return {
    file: (id) =>
      unlessNotFound(() => getJson(`/drive/v3/files/${fileId(id)}?fields=${encodeURIComponent(FILE_FIELDS)}&supportsAllDrives=true`, driveFileSchema)),
    children: (folderId, driveId, pageToken) =>
      listFiles({ q: `'${folderId.replace(/['\\]/g, '\\$&')}' in parents and trashed = false`, ...(driveId ? { corpora: 'drive', driveId } : {}) }, pageToken),
    everything: (pageToken) => listFiles({ q: 'trashed = false', corpora: 'allDrives' }, pageToken),
    async startPageToken() {
      return (await getJson('/drive/v3/changes/startPageToken?supportsAllDrives=true', startPageTokenSchema)).startPageToken;
    },
    changes(pageToken) {
      const fields = `nextPageToken,newStartPageToken,changes(fileId,removed,file(${FILE_FIELDS}))`;
      return getJson(
        `/drive/v3/changes?pageToken=${encodeURIComponent(pageToken)}&${ALL_DRIVES}&pageSize=${PAGE_SIZE}&fields=${encodeURIComponent(fields)}`,
        changeListSchema,
      );
    },
    ancestor: (id) => unlessNotFound(() => getJson(`/drive/v3/files/${fileId(id)}?fields=id,name,parents&supportsAllDrives=true`, ancestorSchema)),
    async exported(id, mimeType) {
      const exported = await bytes(`/drive/v3/files/${fileId(id)}/export?mimeType=${encodeURIComponent(mimeType)}`);
      // Docs export plain text with a UTF-8 byte order mark, which would otherwise lead the stored text.
      return exported[0] === 0xef && exported[1] === 0xbb && exported[2] === 0xbf ? exported.subarray(3) : exported;
    },
    downloaded: (id) => bytes(`/drive/v3/files/${fileId(id)}?alt=media&supportsAllDrives=true`),
  };
}

/** Drive's error answer as a sync error: `{ error: { code, message, status, errors: [{ reason }] } }` read into its message and reason. */
async function driveError(response: Response, what: string): Promise<SourceHttpError> {
  const text = await response.text();
  let body;
  try {
    body = errorBodySchema.safeParse(JSON.parse(text));
  } catch {
    return SourceHttpError.fromResponse(response, text, what);
  }
  if (!body.success) return SourceHttpError.fromResponse(response, text, what);
  const { message, status, errors } = body.data.error;
  const reason = errors?.find((error) => error.reason)?.reason;
  const rateLimited = response.status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason);
  return new DriveApiError(
    rateLimited ? 429 : response.status,
    `${what} answered ${response.status} ${status ?? reason ?? response.statusText}: ${message}`,
    retryAfterSeconds(response.headers.get('retry-after'), new Date()),
    reason,
  );
}
