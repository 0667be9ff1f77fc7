import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncJob } from '../../client/index.ts';
import { ProgressView, progressLine, summaryLine } from '../../cli/progress.ts';
import { startControlPlane, uniqueId, waitForSync, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite, type FakeSite } from '../support/fake-site.ts';
import { serveOnLoopback, type ServedApp } from '../support/served-app.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cliPath = path.join(repoRoot, 'cli/main.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as its own process, as a user would, with only the given URL and key in its environment. */
function run(
  args: string[],
  env: Record<string, string | undefined>,
  command = process.execPath,
  prefix = [cliPath],
  started?: (child: ChildProcess) => void,
): Promise<Run> {
  return new Promise((resolve) => {
    const environment = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
    const child = execFile(command, [...prefix, ...args], { cwd: repoRoot, env: environment, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    started?.(child);
  });
}

describe('the tributary command against the real stack', () => {
  let plane: ControlPlane;
  let site: FakeSite;
  let served: ServedApp;
  let root: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'tributary-cli-'));
    [plane, site] = await Promise.all([
      startControlPlane('sqlite', { directoryRoots: [root] }),
      startFakeSite({ extraPages: 12, delayMs: 60, failingPages: false }),
    ]);
    served = await serveOnLoopback(plane.app);
    env = { TRIBUTARY_URL: served.url, TRIBUTARY_API_KEY: plane.key };
  });
  afterAll(async () => {
    await served?.close();
    await plane?.close();
    await site?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function createConnector(body: Record<string, unknown>): Promise<string> {
    const created = await plane.request('POST', '/v1/connectors', { body: { name: uniqueId('cli'), ...body } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.data.id as string;
  }

  function folderWith(files: Record<string, string>): string {
    const folder = mkdtempSync(path.join(root, 'docs-'));
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(folder, name), content);
    return folder;
  }

  it('lists the connectors as a table, or as JSON lines', async () => {
    const id = await createConnector({ type: 'web_scraper', config: { url: `${site.url}/a`, extractionType: 'single' } });
    const table = await run(['connectors', 'list'], env);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+TYPE\s+STATE\s+LAST SYNC$/);
    expect(rows.find((row) => row.startsWith(id))).toMatch(new RegExp(`^${id}\\s+cli-\\w+\\s+web_scraper\\s+connected\\s+-$`));

    const json = await run(['connectors', 'list', '--json', '--type', 'web_scraper'], env);
    const listed = json.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; type: string });
    expect(listed.map((connector) => connector.id)).toContain(id);
    expect(listed.every((connector) => connector.type === 'web_scraper')).toBe(true);
  });

  it('follows a sync with live progress and ends with its counters', async () => {
    const id = await createConnector({ type: 'web_scraper', config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0 } });
    const result = await run(['sync', id, '--follow', '--url', served.url], { TRIBUTARY_API_KEY: plane.key });
    expect(result.code, result.stderr).toBe(0);
    const summary = result.stdout.trimEnd().split('\n').at(-1);
    expect(summary).toMatch(
      /^Sync job_\S+ succeeded in \d+s: collected \d+, parsed \d+, indexed \d+, unchanged 0, deleted 0, failed 0, skipped 0, [\d.]+ k?B$/,
    );
    const jobId = summary!.split(' ')[1]!;
    const job = (await plane.request('GET', `/v1/connectors/${id}/sync/${jobId}`)).body.data as SyncJob;
    expect(summary).toBe(summaryLine(job));
    expect(job.progress.indexed).toBeGreaterThanOrEqual(16);
    // Not a terminal: plain progress lines, never a carriage return.
    expect(result.stderr).toMatch(/^Sync job_\S+ of \S+ queued\n/);
    expect(result.stderr).toMatch(/collected \d+ · (queued|reading) · indexed \d+ · \d+s elapsed\n/);
    expect(result.stderr).not.toContain('\r');
  });

  it('exits 1 with the reason when the followed sync fails', async () => {
    const id = await createConnector({ type: 'web_scraper', config: { url: `${site.url}/gone`, extractionType: 'single' } });
    const result = await run(['sync', id, '--follow', '--full'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Sync job_\S+ failed in \d+s: collected 0,/);
    expect(result.stderr).toMatch(new RegExp(`Sync job_\\S+ failed: The start URL ${site.url}/gone could not be read: 404`));
  });

  it('shows a sync and the items it could not deliver with logs', async () => {
    const id = await createConnector({ type: 'upload', config: { directory: folderWith({ 'good.txt': 'fine', 'broken.pdf': 'not a pdf' }) } });
    const started = await run(['sync', id], env);
    expect(started.code, started.stderr).toBe(0);
    const jobId = /^Sync (job_\S+) queued; follow it with: tributary follow /.exec(started.stdout)![1]!;
    await waitForSync(plane, id, jobId);

    const logs = await run(['logs', id, jobId], env);
    expect(logs.code).toBe(0);
    const [summary, failure, ...rest] = logs.stdout.trimEnd().split('\n');
    expect(summary).toMatch(new RegExp(`^Sync ${jobId} succeeded in \\d+s: collected 2, parsed 1, indexed 1, unchanged 0, deleted 0, failed 1,`));
    expect(failure).toMatch(/^\d{4}-\d\d-\d\dT\S+ {2}parse {2}broken\.pdf {2}\S/);
    expect(rest).toEqual([]);
  });

  it('cancels and restarts running syncs', async () => {
    const slow = await startFakeSite({ extraPages: 40, delayMs: 150, failingPages: false });
    try {
      const id = await createConnector({ type: 'web_scraper', config: { url: `${slow.url}/`, extractionType: 'all', delayMs: 0 } });
      const first = (await plane.request('POST', `/v1/connectors/${id}/sync`)).body.data.jobId as string;
      // Ctrl-C stops following, not the sync.
      const interrupted = await run(['follow', id, first], env, process.execPath, [cliPath], (child) => {
        child.stderr!.once('data', () => child.kill('SIGINT'));
      });
      expect(interrupted.code).toBe(130);
      expect(interrupted.stderr).toContain(`Stopped following; the sync goes on. Cancel it with: tributary cancel ${id} ${first}\n`);
      const resync = await run(['resync', id, first], env);
      expect(resync).toMatchObject({ code: 0, stdout: `Sync ${first} restarts as a full sync (running)\n` });
      const cancel = await run(['cancel', id, first], env);
      expect(cancel.code, cancel.stderr).toBe(0);
      expect(cancel.stdout).toMatch(new RegExp(`^Sync ${first} cancel(ing|ed)\n$`));
      const followed = await run(['follow', id, first], env);
      expect(followed.code).toBe(1);
      expect(followed.stdout).toMatch(new RegExp(`^Sync ${first} canceled in \\d+s: `));
      expect(followed.stderr).toContain(`Sync ${first} canceled`);

      const again = await run(['cancel', id, first], env);
      const refused = await plane.request('POST', `/v1/connectors/${id}/sync/${first}/cancel`);
      expect(again).toMatchObject({ code: 1, stdout: '', stderr: `error: ${refused.body.error.message} (conflict, HTTP 409)\n` });
    } finally {
      await slow.close();
    }
  });

  it("exits 1 with the API's message for a bad key or a missing connector, and 2 for a usage error", async () => {
    const direct = await plane.request('GET', '/v1/connectors', { key: 'trb_wrong' });
    const badKey = await run(['connectors', 'list'], { ...env, TRIBUTARY_API_KEY: 'trb_wrong' });
    expect(badKey).toEqual({ code: 1, stdout: '', stderr: `error: ${direct.body.error.message} (unauthorized, HTTP 401)\n` });

    const missing = await run(['connectors', 'get', 'conn_missing'], env);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: .+ \(not_found, HTTP 404\)\n$/) });
    expect(await run(['sync', 'conn_missing', '--follow'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('(not_found, HTTP 404)') });

    const noKey = await run(['connectors', 'list'], { TRIBUTARY_URL: served.url });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/^error: no API key: set TRIBUTARY_API_KEY or pass --key\n\nUsage: tributary/);
    expect(await run(['logs', 'only-one-argument'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('expected <connector> <job>') });
    expect(await run(['connectors', 'rename'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command: connectors rename') });

    const unreachable = await run(['connectors', 'list', '--url', 'http://127.0.0.1:9'], env);
    expect(unreachable).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: cannot reach http:\/\/127\.0\.0\.1:9: /) });
  });

  it('runs as `npx tributary` from the repository', async () => {
    const help = await run(['tributary', '--help'], {}, 'npx', ['--no-install']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tributary <command> \[options\]/);
  });
});

describe('the progress line', () => {
  const job = (progress: Partial<SyncJob['progress']>, fields: Partial<SyncJob> = {}): SyncJob => ({
    jobId: 'job_1',
    connectorId: 'conn_1',
    kind: 'sync',
    status: 'running',
    phase: 'reading',
    resumeAt: null,
    mode: 'full',
    trigger: 'manual',
    progress: {
      collected: 0,
      parsed: 0,
      indexed: 0,
      unchanged: 0,
      deleted: 0,
      failed: 0,
      skipped: 0,
      sanitized: 0,
      bytes: 0,
      total: null,
      percent: null,
      etaSeconds: null,
      ...progress,
    },
    sourceCursor: { from: null, next: null },
    workflowId: null,
    startedAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    finishedAt: null,
    error: null,
    ...fields,
  });
  const now = new Date('2026-01-01T10:01:05.000Z');

  it('draws a bar and the ETA when the source told its total, and the time so far when it did not', () => {
    expect(progressLine(job({ collected: 45, indexed: 40, failed: 2, total: 100, percent: 45, etaSeconds: 80 }), now)).toBe(
      '[#########-----------]  45% 45/100 · reading · indexed 40 · failed 2 · ETA 1m 20s',
    );
    expect(progressLine(job({ collected: 7, indexed: 5 }, { phase: 'removing_deleted' }), now)).toBe(
      'collected 7 · removing deleted · indexed 5 · 1m 05s elapsed',
    );
  });

  it('redraws one line in place on a terminal, cut to its width, and writes plain lines elsewhere', () => {
    const terminal = {
      isTTY: true,
      columns: 30,
      written: '',
      write(text: string) {
        this.written += text;
      },
    };
    const view = new ProgressView(terminal);
    view.show(job({ collected: 1 }), now);
    view.show(job({ collected: 2 }), now);
    view.close();
    expect(terminal.written).toBe('\rcollected 1 · reading · index\x1b[K\rcollected 2 · reading · index\x1b[K\n');

    const pipe = {
      written: '',
      write(text: string) {
        this.written += text;
      },
    };
    const plain = new ProgressView(pipe);
    plain.show(job({ collected: 1 }), now);
    plain.show(job({ collected: 1 }), now);
    plain.close();
    expect(pipe.written).toBe('collected 1 · reading · indexed 0 · 1m 05s elapsed\n');
  });
});
