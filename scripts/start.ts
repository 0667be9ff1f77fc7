import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadConfigOrExit } from '../config/env.ts';
import { adminKeyFile, embeddedAdminKey, keptKeyHint, resolveSecretKey } from '../config/local-secrets.ts';
import { findOrBuildTemporalCli } from '../temporal/cli.ts';
import { DEV_SERVER_IP, startDevServer, type DevServer } from '../temporal/dev-server.ts';
import { portInUse } from '../tools/ports.ts';
import { WORKER_NODE_FLAGS } from '../worker/node-flags.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

const config = loadConfigOrExit();

let worker: ChildProcess | undefined;
let api: ChildProcess | undefined;
let devServer: DevServer | undefined;
let stopping = false;

const say = (line: string) => process.stdout.write(`[tributary] ${line}\n`);

function startProcess(name: string, entry: string, env: NodeJS.ProcessEnv, nodeFlags: string[] = []): ChildProcess {
  // Its own process group, so Ctrl-C reaches only this script, which then stops everything in order.
  // The IPC channel closes however this script ends, kill -9 included, and the child then exits.
  const child = spawn(process.execPath, [...nodeFlags, path.join(root, entry)], {
    env,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  child.once('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
      void stopAll(1);
    }
  });
  return child;
}

async function stopProcess(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // The API first, so no new work arrives; then the worker, whose running activities still report to
  // the server; the server last.
  if (api) await stopProcess(api, 15_000);
  if (worker) await stopProcess(worker, 15_000);
  await devServer?.stop();
  process.exit(exitCode);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

/** Each port this start would listen on that something else holds already, as a line to print. */
async function takenPorts(): Promise<string[]> {
  const ports = [
    // The API listens on every interface.
    { port: config.PORT, host: '0.0.0.0', name: 'API', setting: 'PORT' },
    ...(config.embeddedTemporal
      ? [
          { port: config.TEMPORAL_DEV_PORT, host: DEV_SERVER_IP, name: 'Temporal dev server', setting: 'TEMPORAL_DEV_PORT' },
          { port: config.TEMPORAL_UI_PORT, host: DEV_SERVER_IP, name: 'Temporal UI', setting: 'TEMPORAL_UI_PORT' },
        ]
      : []),
  ];
  const taken: string[] = [];
  for (const { port, host, name, setting } of ports) {
    if (await portInUse(port, host)) taken.push(`Port ${port} (${name}) is already in use; stop the other Tributary or set ${setting}`);
  }
  return taken;
}

/** Resolves once the worker polls its task queue and the API answers /readyz. */
async function waitUntilReady(workerProcess: ChildProcess, apiUrl: string, timeoutMs: number): Promise<void> {
  let workerPolls = false;
  // worker/main.ts sends this once its pollers run.
  workerProcess.on('message', (message) => {
    if (message === 'ready') workerPolls = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    if (workerPolls && (await answers(`${apiUrl}/readyz`))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(workerPolls ? `The API did not become ready at ${apiUrl}` : 'The worker did not start polling');
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

const env: NodeJS.ProcessEnv = { ...process.env };
// Both processes must seal and open credentials with the same key.
env.TRIBUTARY_SECRET_KEY = resolveSecretKey(config);
let adminKeyLine = 'the value of TRIBUTARY_ADMIN_KEY';
if (!config.TRIBUTARY_ADMIN_KEY) {
  env.TRIBUTARY_ADMIN_KEY = embeddedAdminKey(config.dataDir);
  adminKeyLine = keptKeyHint(env.TRIBUTARY_ADMIN_KEY, adminKeyFile(config.dataDir));
}

let temporalUi = '(external cluster: use its own UI)';
try {
  const taken = await takenPorts();
  if (taken.length > 0) {
    for (const line of taken) say(line);
    process.exit(1);
  }
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
  worker = startProcess('worker', 'worker/main.ts', env, WORKER_NODE_FLAGS);
  api = startProcess('api', 'api/main.ts', env);
  const apiUrl = `http://localhost:${config.PORT}`;
  await waitUntilReady(worker, apiUrl, 120_000);
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
