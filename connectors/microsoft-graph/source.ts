import { sourceFetch } from '../http/source-fetch.ts';
import { z } from 'zod';
import { SourceHttpError } from '../http/source-errors.ts';
import { pageBudget, pageSelection } from '../page-budget.ts';
import type { ReadContext, Source, SourcePage } from '../source.ts';
import { deltaPathOf, graphApi, type DriveItem } from './api.ts';
import { fileDocument, isReadableFile, itemExternalId } from './documents.ts';
import { resolveTargets, targetKey, type DriveTarget } from './targets.ts';

const FILES_PER_PAGE = 50;
const PARALLEL_DOWNLOADS = 8;

/** The config both Graph sources share. */
export interface GraphSourceConfig {
  urls: string[];
  graphUrl: string;
}

/** Where a Graph sync stands: which configured URL, which of its drives, folder or file, and where in its delta feed. */
type GraphPosition = {
  url: number;
  /** The target being read; all null until the URL's targets are resolved. */
  kind: DriveTarget['kind'] | null;
  driveId: string | null;
  itemId: string | null;
  driveName: string | null;
  siteName: string | null;
  /** Path and query of the delta page being read; null for the target's first. */
  page: string | null;
  /** Items of that page already handled, when a page of ours ended inside it. */
  offset: number;
  /** JSON of target key -> delta link (path and query) for the targets finished so far: the next sync's cursor. */
  cursors: string;
};

type ResolvedPosition = GraphPosition & DriveTarget;

const cursorsSchema = z.record(z.string(), z.string());

/**
 * Each configured URL's drives, folder or file, read through Graph's delta feeds: a full read
 * enumerates each feed from its start, an incremental one resumes it from the delta link the last
 * successful sync handed out, so changes and deletions alike arrive. A single file is read again when
 * it changed since the last sync.
 */
export function openGraphSource(context: ReadContext<GraphSourceConfig>, service: string): Source {
  const { config, since } = context;
  const api = graphApi({ service, graphUrl: config.graphUrl, fetch: sourceFetch(context) });
  const previous = parseCursors(context.sourceCursor);

  const start = (url: number, cursors: string): GraphPosition => ({
    url,
    kind: null,
    driveId: null,
    itemId: null,
    driveName: null,
    siteName: null,
    page: null,
    offset: 0,
    cursors,
  });
  const at = (position: GraphPosition, target: DriveTarget): ResolvedPosition => ({ ...position, ...target, page: null, offset: 0 });

  /** Ends a target's read: the page moves on to the URL's next target or the next URL, and the last page hands out the cursors. */
  async function finish(position: ResolvedPosition, page: Omit<SourcePage, 'next'>): Promise<SourcePage> {
    const targets = await resolveTargets(api, config.urls[position.url] as string);
    const index = targets.findIndex((target) => targetKey(target) === targetKey(position));
    const following = index === -1 ? undefined : targets[index + 1];
    if (following) return { ...page, next: at(position, following) };
    if (position.url + 1 < config.urls.length) return { ...page, next: start(position.url + 1, position.cursors) };
    return { ...page, next: null, nextCursor: position.cursors };
  }

  async function download(position: ResolvedPosition, items: DriveItem[]): Promise<SourcePage['documents']> {
    const documents: SourcePage['documents'] = [];
    for (let index = 0; index < items.length; index += PARALLEL_DOWNLOADS) {
      const batch = items.slice(index, index + PARALLEL_DOWNLOADS);
      const contents = await Promise.all(batch.map((item) => api.content(position.driveId, item.id)));
      batch.forEach((item, at) =>
        documents.push(
          fileDocument({ driveId: position.driveId, item, content: contents[at] as Uint8Array, driveName: position.driveName, siteName: position.siteName }),
        ),
      );
      context.heartbeat();
    }
    return documents;
  }

  async function readFile(position: ResolvedPosition): Promise<SourcePage> {
    const item = await api.item(position.driveId, position.itemId as string);
    const changed = since === null || Date.parse(item.lastModifiedDateTime ?? '') > Date.parse(since);
    if (!changed || !isReadableFile(item)) return finish(position, { documents: [] });
    const admission = pageBudget(context.limits).admit(item.size ?? 0);
    if (admission.kind === 'skip')
      return finish(position, { documents: [], skipped: [{ externalId: itemExternalId(position.driveId, item.id), reason: admission.reason }] });
    return finish(position, { documents: await download(position, [item]) });
  }

  async function readDelta(position: ResolvedPosition): Promise<SourcePage> {
    const key = targetKey(position);
    const stored = position.page === null ? previous[key] : undefined;
    let path = position.page ?? stored ?? deltaPathOf(position.driveId, position.itemId);
    let delta;
    try {
      delta = await api.delta(path);
    } catch (error) {
      // Graph answers 410 Gone (resyncChanges...) to a delta link too old to resume: that feed is enumerated again from its start.
      if (!(stored && error instanceof SourceHttpError && error.status === 410)) throw error;
      path = deltaPathOf(position.driveId, position.itemId);
      delta = await api.delta(path);
    }
    const selection = pageSelection<DriveItem>(context.limits);
    const deleted: string[] = [];
    let offset = position.offset;
    for (; offset < delta.items.length && selection.taken.length < FILES_PER_PAGE; offset += 1) {
      const item = delta.items[offset] as DriveItem;
      if (item.deleted) {
        deleted.push(itemExternalId(position.driveId, item.id));
        continue;
      }
      if (isReadableFile(item) && !selection.offer(item, item.size ?? 0, itemExternalId(position.driveId, item.id))) break;
    }
    const page = { documents: await download(position, selection.taken), skipped: selection.skipped, deleted };
    if (offset < delta.items.length) return { ...page, next: { ...position, page: path, offset } };
    if (delta.next) return { ...page, next: { ...position, page: delta.next, offset: 0 } };
    // A feed that ends without a delta link is listed in full by the next sync.
    const cursors = delta.deltaLink ? JSON.stringify({ ...parseCursors(position.cursors), [key]: delta.deltaLink }) : position.cursors;
    return finish({ ...position, cursors }, page);
  }

  return {
    async read(checkpoint) {
      let position = (checkpoint as GraphPosition | null) ?? start(0, '{}');
      while (position.driveId === null) {
        const url = config.urls[position.url];
        if (url === undefined) return { documents: [], next: null, nextCursor: position.cursors };
        const [first] = await resolveTargets(api, url);
        position = first ? at(position, first) : start(position.url + 1, position.cursors);
      }
      const resolved = position as ResolvedPosition;
      return resolved.kind === 'file' ? readFile(resolved) : readDelta(resolved);
    },
    async *listIds() {
      for (const url of config.urls) {
        for (const target of await resolveTargets(api, url)) {
          if (target.itemId !== null && target.kind === 'file') {
            const item = await api.item(target.driveId, target.itemId);
            if (isReadableFile(item)) yield [itemExternalId(target.driveId, item.id)];
            continue;
          }
          for (let path: string | null = deltaPathOf(target.driveId, target.itemId); path;) {
            const page = await api.delta(path);
            const ids = page.items.filter(isReadableFile).map((item) => itemExternalId(target.driveId, item.id));
            if (ids.length > 0) yield ids;
            path = page.next;
          }
        }
      }
    },
  };
}

/** The delta links of the last successful sync; an unreadable cursor reads every feed from its start. */
function parseCursors(cursor: string | null): Record<string, string> {
  if (!cursor) return {};
  try {
    const parsed = cursorsSchema.safeParse(JSON.parse(cursor));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
