import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface WalkedFile {
  /** Path relative to the root, with "/" separators: the document's external id. */
  relativePath: string;
  absolutePath: string;
}

/**
 * Files under `root` in a stable order (sorted names, depth first), starting after `after`. Resuming
 * descends straight to where the last page stopped instead of walking everything before it again.
 */
export async function* walkFiles(root: string, after: string | null): AsyncGenerator<WalkedFile> {
  yield* walk(root, '', after ? after.split('/') : []);
}

async function* walk(root: string, prefix: string, afterParts: string[]): AsyncGenerator<WalkedFile> {
  const directory = path.join(root, prefix);
  const entries = (await readdir(directory, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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

/** What a page needs to know of a file before reading it: whether it changed, and how large it is. */
export async function fileFacts(file: string): Promise<{ modifiedAt: Date; size: number }> {
  const facts = await stat(file);
  return { modifiedAt: facts.mtime, size: facts.size };
}
