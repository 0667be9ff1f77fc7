import { uploadConfigSchema, type UploadConfig } from './config.ts';
import type { ConnectorDefinition } from '../connector-definition.ts';
import { confineDirectory } from './confine-directory.ts';
import { openUploadSource } from './source.ts';

export const upload: ConnectorDefinition<UploadConfig> = {
  type: 'upload',
  title: 'Uploaded files',
  configSchema: uploadConfigSchema,
  credentialKinds: [],
  async check() {
    return { ok: true };
  },
  openSource: (context) => openUploadSource(context),
  reads: { incremental: true, prune: true },
  async validateConfig(config, environment) {
    if (!config.directory) return undefined;
    const confined = await confineDirectory(config.directory, environment.directoryRoots);
    return 'error' in confined ? { path: ['config', 'directory'], message: confined.error } : undefined;
  },
};
