import { inject } from 'vitest';
import { freePort } from '../../tools/ports.ts';

/** The environment of `npm start` on its own data dir and free ports, with the embedded dev server. */
export async function startEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'info',
    TEMPORAL_CLI_PATH: inject('temporalCliPath'),
    TRIBUTARY_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    ...extra,
  };
}
