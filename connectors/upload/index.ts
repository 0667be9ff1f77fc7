import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ConnectorDefinition } from '../connector-definition.ts';

export const uploadConfigSchema = z
  .object({
    directory: z
      .string()
      .min(1)
      .max(4096)
      .refine((value) => path.isAbsolute(value), { message: 'must be an absolute path' })
      .optional()
      .meta({ description: 'A server-side folder synced besides the uploaded files; must lie under TRIBUTARY_DIRECTORY_ROOTS.' }),
  })
  .strict()
  .meta({ id: 'UploadConfig', example: {} });

export type UploadConfig = z.infer<typeof uploadConfigSchema>;

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

export const upload: ConnectorDefinition<UploadConfig> = {
  type: 'upload',
  title: 'Uploaded files',
  configSchema: uploadConfigSchema,
  credentialKinds: [],
  async check() {
    return { ok: true };
  },
  async validateConfig(config, environment) {
    if (!config.directory) return undefined;
    const confined = await confineDirectory(config.directory, environment.directoryRoots);
    return 'error' in confined ? { path: ['config', 'directory'], message: confined.error } : undefined;
  },
};
