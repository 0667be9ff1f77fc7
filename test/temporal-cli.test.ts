import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOrBuildTemporalCli, TemporalCliUnavailableError } from '../temporal/cli.ts';
import { devServerArgs } from '../temporal/dev-server.ts';

function fakeExecutable(directory: string, name: string): string {
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, name);
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
  return file;
}

describe('finding the Temporal CLI', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'tributary-cli-'));

  it('prefers TEMPORAL_CLI_PATH, then PATH, then the cache', async () => {
    const explicit = fakeExecutable(path.join(scratch, 'explicit'), 'temporal');
    const onPath = fakeExecutable(path.join(scratch, 'path'), 'temporal');
    const cached = fakeExecutable(path.join(scratch, 'cache', 'bin'), 'temporal');
    const cacheDir = path.join(scratch, 'cache');

    expect(await findOrBuildTemporalCli({ explicitPath: explicit, cacheDir, environment: { PATH: path.dirname(onPath) } })).toBe(explicit);
    expect(await findOrBuildTemporalCli({ cacheDir, environment: { PATH: path.dirname(onPath) } })).toBe(onPath);
    expect(await findOrBuildTemporalCli({ cacheDir, environment: { PATH: '' } })).toBe(cached);
  });

  it('says what to install when neither the CLI nor Go is there', async () => {
    const attempt = findOrBuildTemporalCli({ cacheDir: path.join(scratch, 'empty'), environment: { PATH: path.join(scratch, 'nothing') } });
    await expect(attempt).rejects.toBeInstanceOf(TemporalCliUnavailableError);
    await expect(attempt).rejects.toThrow(/Install Go .*"go install github.com\/temporalio\/cli\/cmd\/temporal@v1\.5\.1/);
  });

  it('refuses a TEMPORAL_CLI_PATH that is not an executable', async () => {
    await expect(findOrBuildTemporalCli({ explicitPath: path.join(scratch, 'missing'), cacheDir: scratch, environment: { PATH: '' } })).rejects.toThrow(
      /TEMPORAL_CLI_PATH points to .*missing/,
    );
  });

  it('starts the dev server with the search attributes and persistent state', () => {
    const args = devServerArgs({ cliPath: 'temporal', port: 7233, uiPort: 8233, namespace: 'default', stateDir: path.join(scratch, 'state') });
    expect(args.join(' ')).toContain('--search-attribute TributaryConnectorId=Keyword');
    expect(args.join(' ')).toContain('--search-attribute TributaryConnectorType=Keyword');
    expect(args.join(' ')).toContain('--search-attribute TributaryWorkspaceId=Keyword');
    expect(args.join(' ')).toContain(`--db-filename ${path.join(scratch, 'state', 'temporal.sqlite')}`);
    expect(args).not.toContain('--namespace');
    expect(devServerArgs({ cliPath: 'temporal', port: 1, uiPort: 2, namespace: 'tributary' })).toEqual(expect.arrayContaining(['--namespace', 'tributary']));
  });
});
