import path from 'node:path';
import { z } from 'zod';
import type { ConnectorDefinition } from '../connector-definition.ts';
import { confineDirectory } from './confine-directory.ts';
import { openUploadSource } from './source.ts';

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

export const upload: ConnectorDefinition<UploadConfig> = {
  type: 'upload',
  title: 'Uploaded files',
  configSchema: uploadConfigSchema,
  credentialKinds: [],
  async check() {
    return { ok: true };
  },
  openSource: (context) => openUploadSource(context),
  async validateConfig(config, environment) {
    if (!config.directory) return undefined;
    const confined = await confineDirectory(config.directory, environment.directoryRoots);
    return 'error' in confined ? { path: ['config', 'directory'], message: confined.error } : undefined;
  },
};
