import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../tools/ports.ts';
import { runEntryPoint } from '../tools/processes.ts';
import { testSecretKey } from './support/api.ts';

describe('an API or a worker whose TEMPORAL_ADDRESS answers nothing', () => {
  const dataDirs: string[] = [];
  afterAll(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['api/main.ts', 'worker/main.ts'])('%s prints one line naming the address and exits 1', async (entry) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tributary-unreachable-'));
    dataDirs.push(dataDir);
    // A loopback port where nothing listens: every connection is refused.
    const address = `127.0.0.1:${await freePort()}`;
    const started = runEntryPoint(entry, {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      TEMPORAL_ADDRESS: address,
      TRIBUTARY_SECRET_KEY: testSecretKey,
      TRIBUTARY_DATA_DIR: dataDir,
      PORT: String(await freePort()),
    });

    expect(await started.exited).toBe(1);
    const output = started.output();
    expect(output).toMatch(new RegExp(`^Cannot reach Temporal at ${address}: .+; check TEMPORAL_ADDRESS$`, 'm'));
    expect(output).not.toMatch(/^\s+at /m);
  });
});
