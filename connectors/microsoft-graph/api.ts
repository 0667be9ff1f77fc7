import { z } from 'zod';
import type { HttpFetch } from '../../net/guarded-fetch.ts';
import { pathOnOrigin } from '../http/paging.ts';
import { retryAfterSeconds, SourceHttpError } from '../http/source-errors.ts';

/** Microsoft Graph v1.0's wire format for drives: the few calls and fields the SharePoint and OneDrive readers use. */

const identitySetSchema = z.object({ user: z.object({ displayName: z.string().nullish() }).nullish() }).nullish();

export const driveItemSchema = z.object({
  id: z.string(),
  name: z.string().nullish(),
  webUrl: z.string().nullish(),
  size: z.number().nullish(),
  createdDateTime: z.string().nullish(),
  lastModifiedDateTime: z.string().nullish(),
  createdBy: identitySetSchema,
  lastModifiedBy: identitySetSchema,
  parentReference: z.object({ driveId: z.string().nullish(), id: z.string().nullish(), path: z.string().nullish() }).nullish(),
  file: z.object({ mimeType: z.string().nullish() }).nullish(),
  folder: z.object({}).passthrough().nullish(),
  root: z.object({}).passthrough().nullish(),
  deleted: z.object({}).passthrough().nullish(),
});
export type DriveItem = z.infer<typeof driveItemSchema>;

const siteSchema = z.object({ id: z.string(), name: z.string().nullish(), displayName: z.string().nullish() });
export type GraphSite = z.infer<typeof siteSchema>;

const driveSchema = z.object({ id: z.string(), name: z.string().nullish() });
export type GraphDrive = z.infer<typeof driveSchema>;

const drivesSchema = z.object({ value: z.array(driveSchema), '@odata.nextLink': z.string().nullish() });

const deltaSchema = z.object({
  value: z.array(driveItemSchema),
  '@odata.nextLink': z.string().nullish(),
  '@odata.deltaLink': z.string().nullish(),
});

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string().nullish() }) });

/** One page of a delta feed; links are kept as path and query on the Graph origin, never with it. */
export interface DeltaPage {
  items: DriveItem[];
  /** The next page of this enumeration; null on the last one. */
  next: string | null;
  /** Where the next enumeration starts, given with the last page. */
  deltaLink: string | null;
}

export interface GraphApi {
  /** A site by host name and server-relative path (`/sites/Eng`; `/` for the root site). */
  site(hostname: string, path: string): Promise<GraphSite>;
  /** Every document library of a site. */
  siteDrives(siteId: string): Promise<GraphDrive[]>;
  drive(driveId: string): Promise<GraphDrive>;
  /** The drive item a SharePoint or OneDrive web URL (library, folder or file) names. */
  sharedItem(webUrl: string): Promise<DriveItem>;
  item(driveId: string, itemId: string): Promise<DriveItem>;
  /** A page of a delta feed, by the path and query of its first page, next link or delta link. */
  delta(path: string): Promise<DeltaPage>;
  /** A file's bytes, through the redirect to its pre-authenticated download URL. */
  content(driveId: string, itemId: string): Promise<Uint8Array>;
}

export interface GraphApiOptions {
  /** Used in error messages: `SharePoint answered 401 InvalidAuthenticationToken: ...`. */
  service: string;
  graphUrl: string;
  /** The reader's `sourceFetch`: authorized, refreshing and retrying. */
  fetch: HttpFetch;
}

export const deltaPathOf = (driveId: string, folderId: string | null) =>
  folderId === null
    ? `/v1.0/drives/${encodeURIComponent(driveId)}/root/delta`
    : `/v1.0/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(folderId)}/delta`;

/** The `shares` id of a sharing or web URL: `u!` and the URL in unpadded base64url. */
export const shareIdOf = (webUrl: string) => `u!${Buffer.from(webUrl, 'utf8').toString('base64url')}`;

export function graphApi(options: GraphApiOptions): GraphApi {
  const { service, graphUrl, fetch } = options;
  const origin = new URL(graphUrl).origin;

  async function getJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const response = await fetch(`${origin}${path}`, { headers: { accept: 'application/json' } });
    const text = await response.text();
    if (!response.ok) throw graphError(response, text, `${service} (${path.split('?')[0]})`);
    return schema.parse(JSON.parse(text));
  }

  /** Graph's links are absolute; only their path and query are kept, and only on the configured origin. */
  const relative = (link: string | null | undefined): string | null => (link ? pathOnOrigin(service, new URL(origin), new URL(link, origin)) : null);

  return {
    site(hostname, path) {
      const segments = path
        .split('/')
        .filter(Boolean)
        .map((segment) => encodeURIComponent(decodeURIComponent(segment)));
      const address = segments.length === 0 ? encodeURIComponent(hostname) : `${encodeURIComponent(hostname)}:/${segments.join('/')}`;
      return getJson(`/v1.0/sites/${address}?$select=id,name,displayName`, siteSchema);
    },
    async siteDrives(siteId) {
      const drives: GraphDrive[] = [];
      for (let path: string | null = `/v1.0/sites/${encodeURIComponent(siteId)}/drives?$select=id,name`; path;) {
        const page = await getJson(path, drivesSchema);
        drives.push(...page.value);
        path = relative(page['@odata.nextLink']);
      }
      return drives;
    },
    drive: (driveId) => getJson(`/v1.0/drives/${encodeURIComponent(driveId)}?$select=id,name`, driveSchema),
    sharedItem: (webUrl) => getJson(`/v1.0/shares/${shareIdOf(webUrl)}/driveItem`, driveItemSchema),
    item: (driveId, itemId) => getJson(`/v1.0/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(itemId)}`, driveItemSchema),
    async delta(path) {
      const page = await getJson(path, deltaSchema);
      return { items: page.value, next: relative(page['@odata.nextLink']), deltaLink: relative(page['@odata.deltaLink']) };
    },
    async content(driveId, itemId) {
      const path = `/v1.0/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(itemId)}/content`;
      // The guarded fetch follows the 302 to the download host and drops the Authorization header there.
      const response = await fetch(`${origin}${path}`, {});
      if (!response.ok) throw graphError(response, await response.text(), `${service} (${path})`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** Graph's `{ error: { code, message } }` as the reason of a `SourceHttpError`, so a refused token shows Graph's own words. */
function graphError(response: { status: number; statusText: string; headers: { get(name: string): string | null } }, text: string, what: string) {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return SourceHttpError.fromResponse(response, text, what);
  }
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return SourceHttpError.fromResponse(response, text, what);
  const { code, message } = parsed.data.error;
  const reason = `${what} answered ${response.status} ${code}${message ? `: ${message}` : ''}`;
  return new SourceHttpError(response.status, reason, retryAfterSeconds(response.headers.get('retry-after'), new Date()), code);
}
