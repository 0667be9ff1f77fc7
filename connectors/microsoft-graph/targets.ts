import type { GraphApi } from './api.ts';

/** What one configured URL reads: a drive from its root, a folder of a drive, or a single file. */
export type DriveTarget = {
  kind: 'drive' | 'folder' | 'file';
  driveId: string;
  /** The folder or file; null for a whole drive. */
  itemId: string | null;
  driveName: string;
  siteName: string | null;
};

/** A drive's and a folder's delta feeds are apart, so each has its own delta link. */
export const targetKey = (target: Pick<DriveTarget, 'driveId' | 'itemId'>) => (target.itemId === null ? target.driveId : `${target.driveId}/${target.itemId}`);

/** The root site, a site or team (`/sites/Eng`, `/teams/Ops`) or a OneDrive (`/personal/jane_contoso_com`): every library in it is read. */
const sitePath = /^\/?$|^\/(sites|teams|personal)\/[^/]+\/?$/i;

/**
 * The drives, folder or file a configured URL names: a site URL is resolved to the site and its
 * document libraries; any other URL (a library, folder or file) through the `shares` API.
 */
export async function resolveTargets(api: GraphApi, webUrl: string): Promise<DriveTarget[]> {
  const url = new URL(webUrl);
  if (sitePath.test(url.pathname)) {
    const site = await api.site(url.hostname, url.pathname);
    const siteName = site.displayName ?? site.name ?? null;
    const drives = await api.siteDrives(site.id);
    return drives.map((drive) => ({ kind: 'drive', driveId: drive.id, itemId: null, driveName: drive.name ?? drive.id, siteName }));
  }
  const item = await api.sharedItem(webUrl);
  const driveId = item.parentReference?.driveId;
  if (!driveId) return [];
  const drive = await api.drive(driveId);
  const driveName = drive.name ?? driveId;
  if (item.root) return [{ kind: 'drive', driveId, itemId: null, driveName, siteName: null }];
  return [{ kind: item.file ? 'file' : 'folder', driveId, itemId: item.id, driveName, siteName: null }];
}
