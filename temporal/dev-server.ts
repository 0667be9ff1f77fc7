import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeNames } from './search-attributes.ts';

export interface DevServerOptions {
  cliPath: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** Folder for the server's SQLite state; without it the state lives in memory. */
  stateDir?: string;
  /** Bind address; loopback by default so the dev server is never exposed. */
  ip?: string;
  readyTimeoutMs?: number;
}

/** The dev server's default bind address. */
export const DEV_SERVER_IP = '127.0.0.1';

/** How long the dev server has to stop after SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;

/**
 * A small Node process between the caller and the Go binary, which cannot notice its parent dying:
 * the IPC channel to the caller closes however the caller ends, kill -9 included, and the guard then
 * stops the server as it does on SIGTERM.
 */
const guardScript = `
const { spawn } = require('node:child_process');
const [cliPath, ...args] = process.argv.slice(1);
const server = spawn(cliPath, args, { stdio: 'inherit' });
let killer;
const stop = () => {
  server.kill('SIGTERM');
  killer ??= setTimeout(() => server.kill('SIGKILL'), ${STOP_GRACE_MS});
};
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
server.on('error', (error) => {
  console.error(error.message);
  process.exit(1);
});
server.on('exit', (code) => process.exit(code ?? 1));
`;

export interface DevServer {
  readonly address: string;
  readonly uiUrl: string;
  stop(): Promise<void>;
}

/** The arguments of `temporal server start-dev`, search attributes included. */
export function devServerArgs(options: DevServerOptions): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    options.ip ?? DEV_SERVER_IP,
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--log-level',
    'warn',
    ...searchAttributeNames.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
  ];
  // "default" always exists; another namespace is created at launch.
  if (options.namespace !== 'default') args.push('--namespace', options.namespace);
  if (options.stateDir) {
    mkdirSync(options.stateDir, { recursive: true });
    args.push('--db-filename', path.join(options.stateDir, 'temporal.sqlite'));
  }
  return args;
}

/**
 * Starts the dev server and resolves once its frontend answers; rejects with its output if it dies first.
 * The server stops when the calling process ends, however it ends. It runs in its own process group,
 * so a Ctrl-C in the terminal does not reach it: the caller decides when it stops.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const child = spawn(process.execPath, ['-e', guardScript, '--', options.cliPath, ...devServerArgs(options)], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const address = `${options.ip ?? DEV_SERVER_IP}:${options.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // Not SIGKILL: the guard would die and leave the server running. The guard kills it if need be.
    child.kill('SIGTERM');
    await exited;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The Temporal dev server exited with code ${child.exitCode}:\n${output.slice(-3000)}`);
    }
    if (await answers(address)) {
      return { address, uiUrl: `http://${options.ip ?? DEV_SERVER_IP}:${options.uiPort}`, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`The Temporal dev server did not answer on ${address} within the timeout:\n${output.slice(-3000)}`);
}

async function answers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}
