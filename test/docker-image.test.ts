import { execFileSync, execSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testSecretKey } from './support/api.ts';
import { freePort } from '../tools/ports.ts';
import { exitWithin, projectRoot, type RunningProcess } from '../tools/processes.ts';

// There is no Docker engine here, so the test lays out the image's files as the Dockerfile and
// .dockerignore say, runs its RUN steps, and starts the API and the worker from that folder.
describe('the Docker image', () => {
  const dockerfile = parseDockerfile(readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8'));
  const scratch = mkdtempSync(path.join(tmpdir(), 'tributary-image-'));
  const image = path.join(scratch, 'app');
  const running: RunningProcess[] = [];

  beforeAll(() => {
    const ignored = dockerignore(readFileSync(path.join(projectRoot, '.dockerignore'), 'utf8'));
    buildImage(
      dockerfile,
      buildContext().filter((file) => !ignored(file)),
      image,
      path.join(scratch, 'npm-cache'),
    );
  }, 120_000);
  afterAll(async () => {
    for (const process of running) {
      process.child.kill('SIGTERM');
      await exitWithin(process, 20_000, 'a process of the image').catch(() => process.child.kill('SIGKILL'));
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it('holds neither the development folders nor the development dependencies', () => {
    for (const folder of ['test', 'bench', 'tools', '.git', '.cache', '.tributary']) expect(existsSync(path.join(image, folder)), folder).toBe(false);
    for (const dependency of ['vitest', 'typescript', 'oxlint', 'prettier', 'node']) {
      expect(existsSync(path.join(image, 'node_modules', dependency)), dependency).toBe(false);
    }
    expect(existsSync(path.join(image, 'node_modules', '@temporalio', 'worker'))).toBe(true);
  });

  it('starts the API until it is ready and the worker until it runs workflows', async () => {
    const adminKey = 'trb_docker-image-admin-key-0001';
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...dockerfile.env,
      LOG_LEVEL: 'info',
      PORT: String(await freePort()),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `docker-image-${Date.now()}`,
      TRIBUTARY_DATA_DIR: path.join(scratch, 'data'),
      TRIBUTARY_SECRET_KEY: testSecretKey,
      TRIBUTARY_ADMIN_KEY: adminKey,
    };
    const compose = parse(readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
    // The API runs the image's CMD; the worker runs the command compose gives it.
    const api = startInImage(image, dockerfile.cmd, env);
    const worker = startInImage(image, compose.services.worker.command, env);
    running.push(api, worker);

    const url = `http://127.0.0.1:${env.PORT}`;
    await waitUntil(api, async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, `${url}/readyz to answer 200`);
    await worker.waitFor(/worker started/, 60_000);
    expect(alive(worker)).toBe(true);

    // Creation answers 201 only once the image's worker has run the creation workflow and its activities.
    const created = await fetch(`${url}/v1/connectors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Docs', type: 'web_scraper', config: { url: 'https://docs.example.com/', extractionType: 'all' } }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    expect(((await created.json()) as { data: { state: string } }).data.state).toBe('connected');
    expect(alive(api)).toBe(true);
    expect(alive(worker)).toBe(true);
  }, 90_000);

  it('runs the migration a deploy runs before rolling out', async () => {
    const migrate = startInImage(image, ['node', 'scripts/migrate.ts'], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...dockerfile.env,
      TRIBUTARY_DATA_DIR: path.join(scratch, 'migrate-data'),
    });
    running.push(migrate);
    expect(await exitWithin(migrate, 30_000, 'the migration'), migrate.output()).toBe(0);
    expect(migrate.output()).toContain('database schema is up to date');
  });
});

interface ComposeFile {
  services: { worker: { command: string[] } };
}

/** Folders are relative to the first WORKDIR, which the image folder stands for. */
type Step = { kind: 'copy'; sources: string[]; destination: string; intoFolder: boolean } | { kind: 'run'; command: string; directory: string };

interface Dockerfile {
  env: Record<string, string>;
  steps: Step[];
  cmd: string[];
}

/** The instructions that decide the image's files and processes; others (FROM, USER, EXPOSE...) change neither here. */
function parseDockerfile(text: string): Dockerfile {
  const result: Dockerfile = { env: {}, steps: [], cmd: [] };
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  let workdir = '/';
  let root: string | undefined;
  const inImage = (folder: string) => {
    const relative = path.posix.relative(root ?? '/', path.posix.resolve(workdir, folder));
    if (relative.startsWith('..')) throw new Error(`${folder} is outside the first WORKDIR, which this test lays out`);
    return relative;
  };
  for (const line of lines) {
    const [instruction = '', rest = ''] = line.split(/\s+(.*)/s);
    const words = rest.split(/\s+/);
    switch (instruction.toUpperCase()) {
      case 'FROM':
        if (result.steps.length > 0) throw new Error('multi-stage Dockerfiles are not laid out by this test');
        break;
      case 'WORKDIR':
        workdir = path.posix.resolve(workdir, rest);
        root ??= workdir;
        break;
      case 'ENV':
        for (const pair of rest.includes('=') ? words : [`${words[0]}=${words.slice(1).join(' ')}`]) {
          const [key = '', value = ''] = pair.split(/=(.*)/s);
          result.env[key] = value.replace(/^"(.*)"$/, '$1');
        }
        break;
      case 'COPY': {
        if (words.some((word) => word.startsWith('--from'))) throw new Error(`unsupported: ${line}`);
        const sources = words.filter((word) => !word.startsWith('--'));
        const destination = sources.pop() ?? '.';
        // As in Docker: a destination is a folder when it ends in a slash or takes several sources.
        const intoFolder = /\/$|^\.$/.test(destination) || sources.length > 1;
        result.steps.push({ kind: 'copy', sources, destination: inImage(destination), intoFolder });
        break;
      }
      case 'RUN':
        result.steps.push({ kind: 'run', command: rest.startsWith('[') ? (JSON.parse(rest) as string[]).join(' ') : rest, directory: inImage('.') });
        break;
      case 'CMD':
        result.cmd = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : ['sh', '-c', rest];
        break;
      case 'ADD':
        throw new Error(`unsupported: ${line}`);
    }
  }
  return result;
}

/** What `docker build .` sends: the files git tracks or would track, as they are in the work tree. */
function buildContext(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: projectRoot, encoding: 'utf8' });
  return [...new Set(listed.split('\0').filter(Boolean))].filter((file) => existsSync(path.join(projectRoot, file)));
}

/**
 * Docker's .dockerignore rules: patterns anchored at the context root, `*` and `?` within one path
 * segment, `**` across segments, a match on a folder excluding all under it, `!` re-including, the last
 * matching line winning. Character classes are not needed by ours and are taken literally.
 */
function dockerignore(text: string): (file: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = path.posix.normalize(negated ? line.slice(1).trim() : line).replace(/^\/+|\/+$/g, '');
      return { negated, regex: globToRegExp(pattern) };
    });
  return (file) => {
    const segments = file.split('/');
    const selfAndParents = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (selfAndParents.some((candidate) => rule.regex.test(candidate))) excluded = !rule.negated;
    return excluded;
  };
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index]!;
    if (pattern.startsWith('**/', index)) {
      source += '(?:.*/)?';
      index += 2;
    } else if (pattern.startsWith('**', index)) {
      source += '.*';
      index += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Runs the Dockerfile's steps into `image`: COPY from the context, RUN in the image folder. */
function buildImage(dockerfile: Dockerfile, context: string[], image: string, npmCache: string): void {
  mkdirSync(image, { recursive: true });
  for (const step of dockerfile.steps) {
    if (step.kind === 'run') {
      mkdirSync(path.join(image, step.directory), { recursive: true });
      execSync(step.command, {
        cwd: path.join(image, step.directory),
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          // This machine's network settings (registry, CA) reach npm; the settings of an enclosing `npm test` do not.
          ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_'))),
          ...dockerfile.env,
          // The image's Node runs npm, on an empty cache of its own as in a fresh build, which `npm cache clean` may wipe.
          PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
          npm_config_cache: npmCache,
        },
      });
      continue;
    }
    for (const source of step.sources) {
      const from = path.posix.normalize(source).replace(/\/+$/, '');
      const pattern = globToRegExp(from);
      const files = context.filter((file) => from === '.' || pattern.test(file) || file.startsWith(`${from}/`));
      // As `docker build` does, a source that .dockerignore left out of the context fails the build.
      if (files.length === 0) throw new Error(`COPY ${source}: not in the build context`);
      for (const file of files) {
        // A folder's contents land under the destination; a file lands in it by its name, or is it.
        const underFrom = from === '.' ? file : file.startsWith(`${from}/`) ? file.slice(from.length + 1) : undefined;
        const relative = underFrom ?? (step.intoFolder ? path.posix.basename(file) : '');
        const target = path.join(image, step.destination, relative);
        mkdirSync(path.dirname(target), { recursive: true });
        copyFileSync(path.join(projectRoot, file), target);
      }
    }
  }
}

/** Starts `command` in the image folder, as its WORKDIR; `node` is the project's own Node 24, as in the image. */
function startInImage(image: string, command: string[], env: NodeJS.ProcessEnv): RunningProcess {
  const [program = '', ...args] = command;
  const child = spawn(program === 'node' ? process.execPath : program, args, { cwd: image, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const running: RunningProcess = {
    child,
    exited,
    output: () => output,
    waitFor: async (pattern, timeoutMs) => {
      await waitUntil(running, () => pattern.test(output), String(pattern), timeoutMs);
      return output.match(pattern)!;
    },
  };
  return running;
}

function alive(running: RunningProcess): boolean {
  return running.child.exitCode === null && running.child.signalCode === null;
}

/** Polls `check` until it holds; fails at once, with the output, if the process exits first. */
async function waitUntil(running: RunningProcess, check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (!alive(running))
      throw new Error(`exited (${running.child.exitCode ?? running.child.signalCode}) before ${what}; output:\n${running.output().slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${running.output().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
