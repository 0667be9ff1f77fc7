import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from '../config/env.ts';
import { findOrBuildTemporalCli } from '../temporal/cli.ts';

/** `npm run temporal -- <args>`: the Temporal CLI, pointed at the configured server and namespace. */
const config = loadConfigOrExit();
try {
  const cliPath = await findOrBuildTemporalCli({
    explicitPath: config.TEMPORAL_CLI_PATH,
    cacheDir: fileURLToPath(new URL('../.cache', import.meta.url)),
    environment: process.env,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const args = process.argv.slice(2);
  const child = spawn(cliPath, args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: config.temporalAddress,
      TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
      ...(config.TEMPORAL_API_KEY ? { TEMPORAL_API_KEY: config.TEMPORAL_API_KEY } : {}),
      ...(config.TEMPORAL_TLS_CERT_PATH ? { TEMPORAL_TLS_CERT_PATH: path.resolve(config.TEMPORAL_TLS_CERT_PATH) } : {}),
      ...(config.TEMPORAL_TLS_KEY_PATH ? { TEMPORAL_TLS_KEY_PATH: path.resolve(config.TEMPORAL_TLS_KEY_PATH) } : {}),
    },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
