import type { HttpFetch } from '../../net/guarded-fetch.ts';
import { SourceRefusedError } from '../http/source-errors.ts';
import { pageSelection } from '../page-budget.ts';
import type { ReadContext, Source, SourceDocument, SourcePage } from '../source.ts';
import { DriveApiError, FOLDER_MIME_TYPE, driveApi, type DriveAncestor, type DriveApi, type DriveFile } from './api.ts';
import { childPath, contentPlan, driveDocument, type ContentPlan } from './documents.ts';
import type { GoogleDriveConfig } from './index.ts';

const PARALLEL_DOWNLOADS = 4;
/** Drive nests folders at most 100 deep; a longer parent chain is a cycle. */
const MAX_DEPTH = 100;
/** Reasons Drive gives for a file the credential may list but not read (the owner turned downloads off, say). */
const UNREADABLE = new Set(['cannotDownloadFile', 'cannotExportFile', 'fileNotDownloadable']);

/** A folder waiting to be listed, with its path from the root. */
type QueuedFolder = [id: string, path: string];

/**
 * Where a full listing stands: which root, the folders of that root still to list (the current one
 * first), and where in the current folder's listing. Breadth-first, the queue holds the folders found
 * but not listed yet, so a root with thousands of sibling folders makes a checkpoint of that many ids and paths.
 */
type ListPosition = {
  phase: 'list';
  /** The changes feed's token taken before listing began; the last page hands it out for the next incremental sync. */
  startToken: string;
  root: number;
  /** JSON of `QueuedFolder[]`; null until the root is looked up. */
  folders: string | null;
  /** The shared drive of the current root, listed as its own corpus. */
  driveId: string | null;
  /** Drive's token of the current listing page; null for the folder's first. */
  pageToken: string | null;
  /** Items of that page already read, when the page budget filled before its end. */
  offset: number;
};

/** Where a full listing of the whole account (no roots) stands: Drive's page token and the items of that page already read. */
type AccountPosition = { phase: 'account'; startToken: string; pageToken: string | null; offset: number };

/** Where an incremental read of the changes feed stands. */
type ChangesPosition = { phase: 'changes'; pageToken: string; offset: number };

type DrivePosition = ListPosition | AccountPosition | ChangesPosition;

interface Candidate {
  file: DriveFile;
  path: string;
  plan: ContentPlan;
}

/** The configured roots, `rootFileId` first; none means the whole account. */
export function driveRoots(config: GoogleDriveConfig): string[] {
  return [...new Set([config.rootFileId, ...(config.rootItemIds ?? [])].filter((id) => id !== undefined))];
}

/**
 * Every file under the roots (folders walked breadth-first, shared drives included, the trash left
 * out), or without roots every file the account can read, that Tributary can parse: Docs and Slides
 * exported as text, Sheets as CSV, other files downloaded. A full read takes the changes feed's start
 * token first and hands it out with its last page; an incremental read follows the feed from the
 * stored token, and reports removed and trashed files, and files no longer under a root, as deleted.
 */
export function openDriveSource(context: ReadContext<GoogleDriveConfig>, authorized: HttpFetch): Source {
  const { config } = context;
  const api = driveApi({ apiUrl: config.apiUrl, fetch: authorized });
  const roots = driveRoots(config);

  async function rootFile(index: number): Promise<DriveFile> {
    const id = roots[index] as string;
    const file = await api.file(id);
    if (!file) throw new SourceRefusedError(`Google Drive has no file or folder ${id}, or the credential cannot see it`);
    return file;
  }

  /** The position after the current root; the last root's end is the end of the listing. */
  function afterRoot(position: ListPosition): ListPosition | null {
    return position.root + 1 < roots.length ? { ...position, root: position.root + 1, folders: null, driveId: null, pageToken: null, offset: 0 } : null;
  }

  function ending(page: SourcePage, position: ListPosition): SourcePage {
    return page.next ? page : { ...page, nextCursor: position.startToken };
  }

  async function readListing(position: ListPosition): Promise<SourcePage> {
    if (position.folders === null) {
      const root = await rootFile(position.root);
      if (root.mimeType === FOLDER_MIME_TYPE && !root.trashed) {
        return readListing({ ...position, folders: JSON.stringify([[root.id, '']]), driveId: root.driveId ?? null });
      }
      const plan = root.trashed ? undefined : contentPlan(root);
      const page = await readContents(plan ? [{ file: root, path: '', plan }] : []);
      return ending({ ...page, next: afterRoot(position) }, position);
    }
    const folders = JSON.parse(position.folders) as QueuedFolder[];
    const [folderId, path] = folders[0] as QueuedFolder;
    const listing = await api.children(folderId, position.driveId, position.pageToken);
    const selection = pageSelection<Candidate>(context.limits);
    let offset = position.offset;
    for (; offset < listing.items.length; offset += 1) {
      const file = listing.items[offset] as DriveFile;
      if (file.mimeType === FOLDER_MIME_TYPE) {
        folders.push([file.id, childPath(path, file.name)]);
        continue;
      }
      const plan = contentPlan(file);
      if (plan && !selection.offer({ file, path, plan }, Number(file.size ?? 0), file.id)) break;
    }
    const { skipped } = selection;
    const page = await readContents(selection.taken);
    let next: ListPosition | null;
    if (offset < listing.items.length) next = { ...position, folders: JSON.stringify(folders), offset };
    else if (listing.next && 'cursor' in listing.next) next = { ...position, folders: JSON.stringify(folders), pageToken: listing.next.cursor, offset: 0 };
    else if (folders.length > 1) next = { ...position, folders: JSON.stringify(folders.slice(1)), pageToken: null, offset: 0 };
    else next = afterRoot(position);
    return ending({ ...page, skipped: [...skipped, ...(page.skipped ?? [])], next }, position);
  }

  /**
   * The account's files in Drive's own order, flat: `path` stays empty, since a folder path would
   * cost a lookup per folder of every page.
   */
  async function readAccount(position: AccountPosition): Promise<SourcePage> {
    const listing = await api.everything(position.pageToken);
    const selection = pageSelection<Candidate>(context.limits);
    let offset = position.offset;
    for (; offset < listing.items.length; offset += 1) {
      const file = listing.items[offset] as DriveFile;
      const plan = contentPlan(file);
      if (plan && !selection.offer({ file, path: '', plan }, Number(file.size ?? 0), file.id)) break;
    }
    const { skipped } = selection;
    const page = await readContents(selection.taken);
    const common = { ...page, skipped: [...skipped, ...(page.skipped ?? [])] };
    if (offset < listing.items.length) return { ...common, next: { ...position, offset } };
    if (listing.next && 'cursor' in listing.next) return { ...common, next: { ...position, pageToken: listing.next.cursor, offset: 0 } };
    return { ...common, next: null, nextCursor: position.startToken };
  }

  async function readChanges(position: ChangesPosition): Promise<SourcePage> {
    const list = await api.changes(position.pageToken);
    // Without roots every change of the account counts.
    const pathUnderRoots = roots.length > 0 ? ancestry(api, new Set(roots)) : async () => '';
    const selection = pageSelection<Candidate>(context.limits);
    const deleted: string[] = [];
    let offset = position.offset;
    for (; offset < list.changes.length; offset += 1) {
      const { fileId, removed, file } = list.changes[offset] as (typeof list.changes)[number];
      if (!fileId) continue;
      const plan = file && !removed && !file.trashed ? contentPlan(file) : undefined;
      const path = file && plan ? await pathUnderRoots(file) : undefined;
      // Gone, trashed, moved out of the roots or no longer of a readable type: a no-op for files never stored.
      if (!file || !plan || path === undefined) {
        deleted.push(fileId);
        continue;
      }
      if (!selection.offer({ file, path, plan }, Number(file.size ?? 0), file.id)) break;
    }
    const page = await readContents(selection.taken);
    const common = { ...page, skipped: [...selection.skipped, ...(page.skipped ?? [])], deleted };
    if (offset < list.changes.length) return { ...common, next: { ...position, offset } };
    if (list.nextPageToken) return { ...common, next: { phase: 'changes', pageToken: list.nextPageToken, offset: 0 } };
    return { ...common, next: null, ...(list.newStartPageToken ? { nextCursor: list.newStartPageToken } : {}) };
  }

  async function readContents(candidates: Candidate[]): Promise<SourcePage & { next: null }> {
    const documents: SourceDocument[] = [];
    const skipped: NonNullable<SourcePage['skipped']> = [];
    const failures: NonNullable<SourcePage['failures']> = [];
    for (let index = 0; index < candidates.length; index += PARALLEL_DOWNLOADS) {
      const batch = candidates.slice(index, index + PARALLEL_DOWNLOADS);
      const outcomes = await Promise.all(batch.map((candidate) => readContent(candidate)));
      batch.forEach(({ file, path, plan }, at) => {
        const outcome = outcomes[at];
        if (outcome instanceof Uint8Array) documents.push(driveDocument(file, path, { body: outcome, mimeType: plan.mimeType }));
        else if (outcome?.skip) skipped.push({ externalId: file.id, reason: outcome.skip });
        else if (outcome?.failure) failures.push({ externalId: file.id, error: outcome.failure });
      });
      context.heartbeat();
    }
    return { documents, skipped, failures, next: null };
  }

  /** A file's bytes; a skip or failure Drive explains; or undefined for a file deleted since it was listed. */
  async function readContent({ file, plan }: Candidate): Promise<Uint8Array | { skip?: string; failure?: string } | undefined> {
    try {
      return plan.kind === 'export' ? await api.exported(file.id, plan.mimeType) : await api.downloaded(file.id);
    } catch (error) {
      if (!(error instanceof DriveApiError)) throw error;
      if (error.status === 404) return undefined;
      if (error.reason === 'exportSizeLimitExceeded')
        return { skip: `Google Drive does not export a file this large as ${plan.mimeType} (exportSizeLimitExceeded)` };
      if (error.status === 403 && error.reason !== undefined && UNREADABLE.has(error.reason)) return { failure: error.message };
      throw error;
    }
  }

  return {
    async read(checkpoint) {
      if (checkpoint) {
        const position = checkpoint as DrivePosition;
        if (position.phase === 'changes') return readChanges(position);
        return position.phase === 'account' ? readAccount(position) : readListing(position);
      }
      if (context.sourceCursor) return readChanges({ phase: 'changes', pageToken: context.sourceCursor, offset: 0 });
      // Taken before listing, so a change made while the listing runs is read again by the next incremental sync, never missed.
      const startToken = await api.startPageToken();
      if (roots.length === 0) return readAccount({ phase: 'account', startToken, pageToken: null, offset: 0 });
      return readListing({ phase: 'list', startToken, root: 0, folders: null, driveId: null, pageToken: null, offset: 0 });
    },
    async *listIds() {
      if (roots.length === 0) {
        for (let pageToken: string | null = null, first = true; first || pageToken; first = false) {
          const page = await api.everything(pageToken);
          const ids = page.items.filter((file) => contentPlan(file)).map((file) => file.id);
          if (ids.length > 0) yield ids;
          pageToken = page.next && 'cursor' in page.next ? page.next.cursor : null;
        }
        return;
      }
      for (let index = 0; index < roots.length; index += 1) {
        const root = await rootFile(index);
        if (root.trashed) continue;
        if (root.mimeType !== FOLDER_MIME_TYPE) {
          if (contentPlan(root)) yield [root.id];
          continue;
        }
        const folders = [root.id];
        for (let folder = folders.shift(); folder !== undefined; folder = folders.shift()) {
          for (let pageToken: string | null = null, first = true; first || pageToken; first = false) {
            const page = await api.children(folder, root.driveId ?? null, pageToken);
            folders.push(...page.items.filter((file) => file.mimeType === FOLDER_MIME_TYPE).map((file) => file.id));
            const ids = page.items.filter((file) => contentPlan(file)).map((file) => file.id);
            if (ids.length > 0) yield ids;
            pageToken = page.next && 'cursor' in page.next ? page.next.cursor : null;
          }
        }
      }
    },
  };
}

/**
 * The path from a root to a changed file's folder, or undefined when no parent chain reaches a root.
 * Folders are looked up once per page: the files of one folder share their chain.
 */
function ancestry(api: DriveApi, roots: Set<string>): (file: DriveFile) => Promise<string | undefined> {
  const looked = new Map<string, Promise<DriveAncestor | undefined>>();
  const lookUp = (id: string) => {
    let found = looked.get(id);
    if (!found) looked.set(id, (found = api.ancestor(id)));
    return found;
  };
  return async (file) => {
    if (roots.has(file.id)) return '';
    const names: string[] = [];
    // Drive gives an item one parent since 2020; older items with several are placed by their first.
    let parentId = file.parents?.[0];
    for (let depth = 0; parentId !== undefined && depth < MAX_DEPTH; depth += 1) {
      if (roots.has(parentId)) return names.reverse().join('/');
      const parent = await lookUp(parentId);
      if (!parent) return undefined;
      names.push(parent.name);
      parentId = parent.parents?.[0];
    }
    return undefined;
  };
}
