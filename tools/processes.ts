import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const projectRoot = path.resolve(import.meta.dirname, '..');

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/**
 * Runs one of the project's entry points under the same Node as the tests (and the benchmarks).
 * `ownProcessGroup` starts it as a terminal starts a foreground command, so that `interrupt` can send
 * it a Ctrl-C without reaching the test runner.
 */
export function runEntryPoint(
  entry: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  nodeFlags: string[] = [],
  { ownProcessGroup = false } = {},
): RunningProcess {
  const child = spawn(process.execPath, [...nodeFlags, path.join(projectRoot, entry), ...args], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: ownProcessGroup,
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    waitFor(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output:\n${output.slice(-4000)}`));
        }, timeoutMs);
        void exited.then((code) => {
          cleanup();
          reject(new Error(`process exited (${code}) before ${pattern}; output:\n${output.slice(-4000)}`));
        });
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** SIGINT to the process group of `running` (started with `ownProcessGroup`), as Ctrl-C in a terminal sends it. */
export function interrupt(running: RunningProcess): void {
  // A pid of 0 would signal the caller's own group.
  if (!running.child.pid) throw new Error('the process has no pid');
  process.kill(-running.child.pid, 'SIGINT');
}

/** Every descendant pid of a process, from `ps`; with `command`, only those whose command line matches it. */
export function descendants(pid: number, command?: RegExp): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [, child = '', ppid = '', args = ''] = /^\s*(\d+)\s+(\d+)\s*(.*)$/.exec(line) ?? [];
      return { child: Number(child), ppid: Number(ppid), args };
    });
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const { child, ppid, args } of table) {
      if (ppid === parent) {
        if (!command || command.test(args)) found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie has exited; only its status is still waiting for a parent (init, for an orphan) to collect it.
  const state = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return state !== '' && !state.startsWith('Z');
}

/**
 * The pids of `pids` still alive once they have had `timeoutMs` to exit; returns as soon as none is.
 * A process that outlives its parent's exit by a moment (a grandchild reaped late) is not a leftover.
 */
export async function survivors(pids: number[], timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once `url` answers 200; rejects after `timeoutMs` or when `running` exits first. */
export async function waitForHttp(url: string, running: RunningProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void running.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`process exited before ${url} answered; output:\n${running.output().slice(-4000)}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms; output:\n${running.output().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The exit code of `running`, or a rejection naming `what` if it has not exited within `timeoutMs`. */
export async function exitWithin(running: RunningProcess, timeoutMs: number, what: string): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still running after ${timeoutMs} ms; output:\n${running.output().slice(-4000)}`)), timeoutMs);
  });
  try {
    return await Promise.race([running.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
