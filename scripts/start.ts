import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadConfigOrExit } from '../config/env.ts';
import { embeddedAdminKey, resolveSecretKey } from '../config/local-secrets.ts';
import { findOrBuildTemporalCli } from '../temporal/cli.ts';
import { startDevServer, type DevServer } from '../temporal/dev-server.ts';
import { WORKER_NODE_FLAGS } from '../worker/node-flags.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

const config = loadConfigOrExit();

const children: ChildProcess[] = [];
let devServer: DevServer | undefined;
let stopping = false;

const say = (line: string) => process.stdout.write(`[tributary] ${line}\n`);

function startProcess(name: string, entry: string, env: NodeJS.ProcessEnv, nodeFlags: string[] = []): ChildProcess {
  // Its own process group, so Ctrl-C reaches only this script, which then stops everything in order.
  const child = spawn(process.execPath, [...nodeFlags, path.join(root, entry)], { env, stdio: 'inherit', detached: true });
  child.once('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
      void stopAll(1);
    }
  });
  children.push(child);
  return child;
}

async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

async function stopAll(exitCode: number): Promise<never> {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => waitForExit(child, 15_000)));
  await devServer?.stop();
  process.exit(exitCode);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
// Last resort if this script dies of an error: leave no child behind.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (devServer && devServer.process.exitCode === null) devServer.process.kill('SIGKILL');
});

async function waitForApi(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The API did not become ready at ${url}`);
}

const env: NodeJS.ProcessEnv = { ...process.env };
// Both processes must seal and open credentials with the same key.
env.TRIBUTARY_SECRET_KEY = resolveSecretKey(config);
let adminKeyLine = 'the value of TRIBUTARY_ADMIN_KEY';
if (!config.TRIBUTARY_ADMIN_KEY) {
  env.TRIBUTARY_ADMIN_KEY = embeddedAdminKey(config.dataDir);
  adminKeyLine = `${env.TRIBUTARY_ADMIN_KEY}  (kept in ${path.join(config.dataDir, 'admin.key')})`;
}

let temporalUi = '(external cluster: use its own UI)';
try {
  if (config.embeddedTemporal) {
    const cliPath = await findOrBuildTemporalCli({
      explicitPath: config.TEMPORAL_CLI_PATH,
      cacheDir: path.join(root, '.cache'),
      environment: process.env,
      log: say,
    });
    say(`starting the Temporal dev server (${cliPath})`);
    devServer = await startDevServer({
      cliPath,
      port: config.TEMPORAL_DEV_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      stateDir: path.join(config.dataDir, 'temporal'),
    });
    env.TEMPORAL_ADDRESS = devServer.address;
    temporalUi = `http://localhost:${config.TEMPORAL_UI_PORT}`;
  }
  startProcess('worker', 'worker/main.ts', env, WORKER_NODE_FLAGS);
  startProcess('api', 'api/main.ts', env);
  const apiUrl = `http://localhost:${config.PORT}`;
  await waitForApi(apiUrl, 60_000);
  say('Tributary is running');
  say(`  API:          ${apiUrl}`);
  say(`  API docs:     ${apiUrl}/docs  (OpenAPI: ${apiUrl}/openapi.json)`);
  say(`  Temporal UI:  ${temporalUi}`);
  say(`  Temporal:     ${env.TEMPORAL_ADDRESS} (namespace ${config.TEMPORAL_NAMESPACE})`);
  say(`  Database:     ${config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : path.join(config.dataDir, 'tributary.sqlite')}`);
  say(`  Admin key:    ${adminKeyLine}`);
  say('Press Ctrl-C to stop.');
} catch (error) {
  say(error instanceof Error ? error.message : String(error));
  await stopAll(1);
}
