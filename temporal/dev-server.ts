import { spawn, type ChildProcess } from 'node:child_process';
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

export interface DevServer {
  readonly address: string;
  readonly uiUrl: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** The arguments of `temporal server start-dev`, search attributes included. */
export function devServerArgs(options: DevServerOptions): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    options.ip ?? '127.0.0.1',
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

/** Starts the dev server and resolves once its frontend answers; rejects with its output if it dies first. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const child = spawn(options.cliPath, devServerArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const address = `${options.ip ?? '127.0.0.1'}:${options.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The Temporal dev server exited with code ${child.exitCode}:\n${output.slice(-3000)}`);
    }
    if (await answers(address)) {
      return { address, uiUrl: `http://${options.ip ?? '127.0.0.1'}:${options.uiPort}`, process: child, stop };
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
