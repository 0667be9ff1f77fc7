import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';

/** v1.5.1 is the newest CLI whose go.mod has no replace directive, which `go install` requires. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export interface FindCliOptions {
  /** TEMPORAL_CLI_PATH, when set. */
  explicitPath?: string | undefined;
  /** The project's git-ignored cache folder; the CLI is built into `<cacheDir>/bin`. */
  cacheDir: string;
  /** The caller's environment: PATH is searched, and `go install` runs with it. */
  environment: NodeJS.ProcessEnv;
  /** Where build progress goes; the first build takes minutes. */
  log?: (line: string) => void;
}

export class TemporalCliUnavailableError extends Error {
  override name = 'TemporalCliUnavailableError';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string, searchPath: string | undefined): string | undefined {
  for (const directory of (searchPath ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(directory, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds the Temporal CLI (TEMPORAL_CLI_PATH, then PATH, then the cache) or builds it once with Go.
 * @example const cli = await findOrBuildTemporalCli({ cacheDir: '.cache', environment: { PATH: '/usr/local/go/bin:/usr/bin' } });
 */
export async function findOrBuildTemporalCli(options: FindCliOptions): Promise<string> {
  if (options.explicitPath) {
    if (isExecutable(options.explicitPath)) return options.explicitPath;
    throw new TemporalCliUnavailableError(`TEMPORAL_CLI_PATH points to ${options.explicitPath}, which is not an executable file`);
  }
  const cached = path.join(options.cacheDir, 'bin', 'temporal');
  const found = onPath('temporal', options.environment.PATH) ?? (isExecutable(cached) ? cached : undefined);
  if (found) return found;

  const go = onPath('go', options.environment.PATH);
  if (!go) {
    throw new TemporalCliUnavailableError(
      'The Temporal CLI was not found and Go is not installed to build it. Install Go 1.24+ (then it is built ' +
        `once with "go install ${TEMPORAL_CLI_MODULE}"), or install the Temporal CLI and put it on PATH or in TEMPORAL_CLI_PATH.`,
    );
  }
  mkdirSync(path.dirname(cached), { recursive: true });
  options.log?.(`Building the Temporal CLI once with ${go} install ${TEMPORAL_CLI_MODULE} (this takes a few minutes)...`);
  await runGoInstall(go, path.dirname(cached), options.environment, options.log);
  if (!isExecutable(cached)) throw new TemporalCliUnavailableError(`go install finished but ${cached} is missing`);
  return cached;
}

function runGoInstall(go: string, binDir: string, environment: NodeJS.ProcessEnv, log?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, ['install', TEMPORAL_CLI_MODULE], {
      env: { ...environment, GOBIN: binDir, GOFLAGS: '-buildvcs=false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      log?.(output);
      reject(new TemporalCliUnavailableError(`go install ${TEMPORAL_CLI_MODULE} failed (exit ${code}):\n${output.slice(-2000)}`));
    });
  });
}
