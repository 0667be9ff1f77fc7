import type { SyncLimits } from '../config/limits.ts';
import { oversizeReason } from '../domain/document-size.ts';

export type Admission = { kind: 'take' } | { kind: 'skip'; reason: string } | { kind: 'full' };

/**
 * What one page may still hold, judged by sizes known before reading: a file over the document limit
 * is skipped unread, and the page is full once the files it took would pass the page limit. The
 * first file is always taken, so every page moves the sync on.
 */
export function pageBudget(limits: SyncLimits): { admit(size: number): Admission } {
  let bytes = 0;
  let taken = 0;
  return {
    admit(size) {
      const reason = oversizeReason(size, limits.maxDocumentBytes);
      if (reason) return { kind: 'skip', reason };
      if (taken > 0 && bytes + size > limits.maxPageBytes) return { kind: 'full' };
      bytes += size;
      taken += 1;
      return { kind: 'take' };
    },
  };
}

export interface PageSelection<Item> {
  /** Takes the item, or passes it over as skipped (over the document limit); false once the page is full, and the item was not taken. */
  offer(item: Item, size: number, externalId: string): boolean;
  readonly taken: Item[];
  readonly skipped: Array<{ externalId: string; reason: string }>;
}

/**
 * The items one page reads, chosen under `pageBudget` from a listing by the sizes it tells.
 * @example
 * const selection = pageSelection<DriveFile>(context.limits);
 * for (; offset < files.length && selection.offer(files[offset], files[offset].size, files[offset].id); offset += 1);
 */
export function pageSelection<Item>(limits: SyncLimits): PageSelection<Item> {
  const budget = pageBudget(limits);
  const taken: Item[] = [];
  const skipped: Array<{ externalId: string; reason: string }> = [];
  return {
    offer(item, size, externalId) {
      const admission = budget.admit(size);
      if (admission.kind === 'full') return false;
      if (admission.kind === 'take') taken.push(item);
      else skipped.push({ externalId, reason: admission.reason });
      return true;
    },
    taken,
    skipped,
  };
}
