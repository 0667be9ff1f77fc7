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
