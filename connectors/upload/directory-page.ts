import { readFileSync, statSync } from 'node:fs';
import type { SyncLimits } from '../../config/limits.ts';
import { pageBudget } from '../page-budget.ts';
import { walkFiles } from './directory-walker.ts';

/** Where a page of a server folder starts, and what it may hold. */
export interface DirectoryPageRequest {
  root: string;
  /** The relative path the previous page ended at; null from the start. */
  after: string | null;
  /** Only files modified after this ISO time are read; null reads all. */
  since: string | null;
  /** Files a page reads at most. */
  pageSize: number;
  /** Files a page walks past at most (unchanged ones cost a stat each). */
  maxVisited: number;
  limits: SyncLimits;
}

export interface DirectoryPage {
  files: Array<{ relativePath: string; modifiedAt: string; body: Uint8Array }>;
  skipped: Array<{ externalId: string; reason: string }>;
  /** The relative path of the last file this page walked past (read, skipped or unchanged). */
  last: string | null;
  /** True when the walk reached the end of the folder with every file taken. */
  finished: boolean;
}

/**
 * Walks the folder from where the last page stopped, stats each file, and reads those changed since
 * `since` until the page holds `pageSize` files or its bytes reach the page limit (it then stops at
 * the first file it has no room for). Synchronous, for the reader thread.
 */
export function readDirectoryPage(request: DirectoryPageRequest): DirectoryPage {
  const budget = pageBudget(request.limits);
  const page: DirectoryPage = { files: [], skipped: [], last: request.after, finished: false };
  let visited = 0;
  for (const file of walkFiles(request.root, request.after)) {
    if (page.files.length >= request.pageSize || visited >= request.maxVisited) return page;
    const facts = statSync(file.absolutePath);
    const modifiedAt = facts.mtime.toISOString();
    if (!request.since || modifiedAt > request.since) {
      const admission = budget.admit(facts.size);
      if (admission.kind === 'full') return page;
      if (admission.kind === 'take') page.files.push({ relativePath: file.relativePath, modifiedAt, body: readFileSync(file.absolutePath) });
      else page.skipped.push({ externalId: file.relativePath, reason: admission.reason });
    }
    visited += 1;
    page.last = file.relativePath;
  }
  page.finished = true;
  return page;
}
