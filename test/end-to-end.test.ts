import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { keptAdminKey } from './support/admin-key.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { freePort } from '../tools/ports.ts';
import { descendants, runEntryPoint, survivors, type RunningProcess } from '../tools/processes.ts';

/** The environment of a fresh machine: no Tributary or Temporal settings beyond what a test passes. */
function baseEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' };
  return { ...env, TEMPORAL_CLI_PATH: inject('temporalCliPath'), ...extra };
}

async function startTributary(env: NodeJS.ProcessEnv): Promise<{ process: RunningProcess; apiUrl: string; adminKey: string }> {
  const running = runEntryPoint('scripts/start.ts', env);
  await running.waitFor(/Press Ctrl-C to stop/, 150_000);
  const apiUrl = running.output().match(/API:\s+(http:\/\/\S+)/)?.[1];
  if (!apiUrl) throw new Error(`banner incomplete:\n${running.output()}`);
  const adminKey = env.TRIBUTARY_ADMIN_KEY ?? keptAdminKey(running.output());
  return { process: running, apiUrl, adminKey };
}

/** Stops the start script as Ctrl-C (SIGINT) or a service manager (SIGTERM) does; leftovers are its descendants still alive. */
async function stopWith(signal: 'SIGINT' | 'SIGTERM', running: RunningProcess): Promise<{ code: number | null; leftovers: number[] }> {
  const pid = running.child.pid ?? 0;
  const family = descendants(pid);
  expect(family.length).toBeGreaterThan(0);
  running.child.kill(signal);
  const code = await running.exited;
  return { code, leftovers: await survivors(family) };
}

async function createConnector(apiUrl: string, key: string, id: string) {
  const response = await fetch(`${apiUrl}/v1/connectors`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id,
      name: 'Company docs',
      type: 'web_scraper',
      config: { url: 'https://docs.example.com/', extractionType: 'all' },
      schedule: { type: 'interval', everySeconds: 3600 },
    }),
  });
  return { status: response.status, body: (await response.json()) as { data: { state: string } } };
}

async function temporalCli(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const cli = runEntryPoint('scripts/temporal.ts', env, args);
  const code = await cli.exited;
  if (code !== 0) throw new Error(`temporal ${args.join(' ')} exited ${code}:\n${cli.output()}`);
  return cli.output();
}

describe('the whole system from the start command', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tributary-e2e-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts the dev server, worker and API on SQLite, creates a connector, and stops cleanly', async () => {
    const env = baseEnv({
      TRIBUTARY_DATA_DIR: dataDir,
      PORT: String(await freePort()),
      TEMPORAL_DEV_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
    });
    const first = await startTributary(env);
    expect(first.process.output()).toMatch(/API docs:\s+http:\/\/\S+\/docs/);
    expect(first.process.output()).toMatch(new RegExp(`Temporal UI:\\s+http://localhost:${env.TEMPORAL_UI_PORT}`));
    expect((await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/`)).status).toBe(200);

    const created = await createConnector(first.apiUrl, first.adminKey, 'e2e-docs');
    expect(created.status).toBe(201);
    expect(created.body.data.state).toBe('connected');
    const description = await temporalCli(env, ['schedule', 'describe', '--schedule-id', 'connector-schedule-e2e-docs']);
    expect(description).toContain('connector-sync-e2e-docs');

    const stopped = await stopWith('SIGINT', first.process);
    expect(stopped.code).toBe(0);
    expect(stopped.leftovers).toEqual([]);

    // A restart keeps the connector, its schedule and the admin key.
    const second = await startTributary(env);
    expect(second.adminKey).toBe(first.adminKey);
    const fetched = await fetch(`${second.apiUrl}/v1/connectors/e2e-docs`, {
      headers: { authorization: `Bearer ${second.adminKey}` },
    });
    expect(fetched.status).toBe(200);
    expect(await temporalCli(env, ['schedule', 'list'])).toContain('connector-schedule-e2e-docs');
    // SIGTERM, as a service manager sends, stops the API, the worker and the dev server as Ctrl-C does.
    const stoppedAgain = await stopWith('SIGTERM', second.process);
    expect(stoppedAgain.code).toBe(0);
    expect(stoppedAgain.leftovers).toEqual([]);
  });

  it('comes up on a new data directory every time, the API and the worker migrating it at once', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const env = baseEnv({
        TRIBUTARY_DATA_DIR: path.join(dataDir, `fresh-${attempt}`),
        PORT: String(await freePort()),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: `e2e-fresh-${attempt}-${Date.now()}`,
      });
      const running = await startTributary(env);
      const me = await fetch(`${running.apiUrl}/v1/workspaces/me`, { headers: { authorization: `Bearer ${running.adminKey}` } });
      expect(me.status).toBe(200);
      const stopped = await stopWith('SIGINT', running.process);
      expect(stopped.code).toBe(0);
      expect(stopped.leftovers).toEqual([]);
    }
  });

  describe('on PostgreSQL and an existing Temporal cluster', () => {
    let database: TestDatabase;
    afterAll(async () => database?.drop());

    it('uses DATABASE_URL and TEMPORAL_ADDRESS, starts no dev server, and stops on SIGTERM leaving no process behind', async () => {
      database = await createTestDatabase('postgres');
      const adminKey = 'trb_e2e-admin-key-from-the-environment-0001';
      const env = baseEnv({
        TRIBUTARY_DATA_DIR: path.join(dataDir, 'pg'),
        PORT: String(await freePort()),
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: `e2e-${Date.now()}`,
        TRIBUTARY_ADMIN_KEY: adminKey,
      });
      const running = await startTributary(env);
      expect(running.process.output()).not.toContain('starting the Temporal dev server');
      expect(running.process.output()).toContain('PostgreSQL (DATABASE_URL)');

      const created = await createConnector(running.apiUrl, adminKey, 'e2e-pg-docs');
      expect(created.status).toBe(201);
      const row = await database.db.selectFrom('connectors').select('state').where('id', '=', 'e2e-pg-docs').executeTakeFirst();
      expect(row?.state).toBe('connected');
      const stopped = await stopWith('SIGTERM', running.process);
      expect(stopped.code).toBe(0);
      expect(stopped.leftovers).toEqual([]);
    });
  });

  it('refuses to start on a bad setting and names the variable', async () => {
    const running = runEntryPoint('scripts/start.ts', baseEnv({ PORT: 'eighty', TRIBUTARY_DATA_DIR: dataDir }));
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain('PORT');
    expect(running.output()).not.toMatch(/\n\s+at /);
  });
});
