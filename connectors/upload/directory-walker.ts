import { readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

export interface WalkedFile {
  /** Path relative to the root, with "/" separators: the document's external id. */
  relativePath: string;
  absolutePath: string;
}

/**
 * Files under `root` in a stable order (sorted names, depth first), starting after `after`. Resuming
 * descends straight to where the last page stopped instead of walking everything before it again.
 * Synchronous: a listing costs a few microseconds this way, several times less than through promises,
 * and the pages are read on a thread of their own (directory-reader.ts).
 */
export function* walkFiles(root: string, after: string | null): Generator<WalkedFile> {
  yield* walk(root, '', after ? after.split('/') : []);
}

function* walk(root: string, prefix: string, afterParts: string[]): Generator<WalkedFile> {
  const directory = path.join(root, prefix);
  const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const [first, ...rest] = afterParts;
  for (const entry of entries) {
    if (first !== undefined && entry.name < first) continue;
    const relativePath = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      yield* walk(root, relativePath, entry.name === first ? rest : []);
    } else if (entry.isFile()) {
      if (entry.name === first && rest.length === 0) continue;
      yield { relativePath, absolutePath: path.join(directory, entry.name) };
    }
  }
}

/** Counts the files under a root without reading them, for progress totals. */
export async function countFiles(root: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) if (entry.isFile()) count += 1;
  return count;
}
