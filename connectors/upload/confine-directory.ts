import { realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * The folder's real path if it lies under one of the roots after resolving links, else the reason it
 * is refused: no tenant may read the server's own files.
 */
export async function confineDirectory(directory: string, roots: readonly string[]): Promise<{ path: string } | { error: string }> {
  if (roots.length === 0) return { error: 'server folders are disabled: TRIBUTARY_DIRECTORY_ROOTS is empty' };
  let real: string;
  try {
    real = await realpath(directory);
  } catch {
    return { error: `${directory} does not exist or cannot be read` };
  }
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => undefined);
    if (realRoot && (real === realRoot || real.startsWith(`${realRoot}${path.sep}`))) return { path: real };
  }
  return { error: `${directory} is not under one of the allowed folders (TRIBUTARY_DIRECTORY_ROOTS)` };
}
