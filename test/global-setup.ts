import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { findOrBuildTemporalCli } from '../temporal/cli.ts';
import { startDevServer } from '../temporal/dev-server.ts';
import { bundleWorkflows } from '../worker/create-worker.ts';
import { freePort } from '../tools/ports.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCliPath: string;
    workflowBundlePath: string;
    postgresAdminUrl: string;
  }
}

const root = path.resolve(import.meta.dirname, '..');

/** One dev server and one workflow bundle for the whole run; every test file reuses them. */
export default async function setup(project: TestProject) {
  const postgresAdminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  await assertPostgresReachable(postgresAdminUrl);

  const cliPath = await findOrBuildTemporalCli({
    explicitPath: process.env.TEMPORAL_CLI_PATH,
    cacheDir: path.join(root, '.cache'),
    environment: process.env,
    log: (line) => console.log(line),
  });
  const server = await startDevServer({
    cliPath,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    readyTimeoutMs: 120_000,
  });

  const bundleDir = path.join(root, '.cache', 'test');
  mkdirSync(bundleDir, { recursive: true });
  const workflowBundlePath = path.join(bundleDir, `workflow-bundle-${process.pid}.js`);
  const bundle = await bundleWorkflows();
  if (!('code' in bundle)) throw new Error('expected an in-memory workflow bundle');
  writeFileSync(workflowBundlePath, bundle.code);

  project.provide('temporalAddress', server.address);
  project.provide('temporalCliPath', cliPath);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('postgresAdminUrl', postgresAdminUrl);

  return async () => {
    await server.stop();
  };
}

async function assertPostgresReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${url} (${(error as Error).message}); the tests need it running.`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
