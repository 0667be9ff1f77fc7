import { realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * The folder's real path if it lies under one of the roots after resolving links, else the reason it
 * is refused: no tenant may read the server's own files. Every refusal reads the same, so the answer
 * says nothing of what exists outside the roots or where a link points.
 */
export async function confineDirectory(directory: string, roots: readonly string[]): Promise<{ path: string } | { error: string }> {
  if (roots.length === 0) return { error: 'server folders are disabled: TRIBUTARY_DIRECTORY_ROOTS is empty' };
  const refused = { error: `${directory} is not a readable folder under one of the allowed folders (TRIBUTARY_DIRECTORY_ROOTS)` };
  const real = await realpath(directory).catch(() => undefined);
  if (!real) return refused;
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => undefined);
    if (realRoot && (real === realRoot || real.startsWith(`${realRoot}${path.sep}`))) return { path: real };
  }
  return refused;
}
