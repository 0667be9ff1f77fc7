import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../tools/ports.ts';
import { runEntryPoint, waitForHttp, type RunningProcess } from '../../../tools/processes.ts';
import { workflowIds } from '../../../domain/workflow-ids.ts';
import { testSecretKey } from '../../support/api.ts';
import { startFakeSite, type FakeSite } from '../../support/fake-site.ts';
import { connectTestClient } from '../../support/temporal.ts';

const CLIENTS = 2000;
const MAX_STREAMS = 500;
/** Clients connecting at once; the rest wait their turn, as a burst of reconnects would. */
const BATCH = 250;
const CREATIONS = 5;
const RSS_BOUND_MB = 400;

describe('two thousand clients following one sync, against a real API process', () => {
  let root: string;
  let url: string;
  let api: RunningProcess;
  let worker: RunningProcess;
  /** Slow, so that the followed crawl runs all along and changes every second or so. */
  let slowSite: FakeSite;
  /** Fast, so that a connector's creation costs what the API and Temporal cost, not the site. */
  let fastSite: FakeSite;
  const adminKey = `trb_${randomUUID()}`;
  const clients: AbortController[] = [];
  let followed: { connectorId: string; jobId: string } | undefined;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'tributary-sse-flood-'));
    [slowSite, fastSite] = await Promise.all([startFakeSite({ extraPages: 2000, delayMs: 200, failingPages: false }), startFakeSite({ failingPages: false })]);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      TRIBUTARY_DATA_DIR: path.join(root, 'data'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `sse-flood-${randomUUID()}`,
      TRIBUTARY_SECRET_KEY: testSecretKey,
      TRIBUTARY_ADMIN_KEY: adminKey,
      // The fake sites listen on loopback.
      TRIBUTARY_ALLOWED_HOSTS: '127.0.0.0/8,localhost',
      TRIBUTARY_MAX_STREAMS: String(MAX_STREAMS),
      TRIBUTARY_MAX_STREAMS_PER_KEY: String(MAX_STREAMS),
    };
    url = `http://127.0.0.1:${port}`;
    api = runEntryPoint('api/main.ts', env);
    // After the API, which migrates the SQLite file they share; info for the 'worker started' line.
    await waitForHttp(`${url}/readyz`, api);
    worker = runEntryPoint('worker/main.ts', { ...env, LOG_LEVEL: 'info' });
    await worker.waitFor(/worker started/, 120_000);
  });
  afterAll(async () => {
    for (const client of clients) client.abort();
    // The crawl would outlive its worker, waiting in the dev server for as long as it runs.
    if (followed) {
      const client = await connectTestClient();
      await client.workflow.getHandle(workflowIds.syncJob(followed.connectorId, followed.jobId)).terminate();
      await client.connection.close();
    }
    api?.child.kill('SIGKILL');
    worker?.child.kill('SIGKILL');
    await Promise.all([slowSite?.close(), fastSite?.close()]);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const request = async (method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    return { status: response.status, body: await response.json() };
  };

  /** The median time of a few connector creations, in seconds. */
  async function creationSeconds(): Promise<number> {
    const times: number[] = [];
    for (let index = 0; index < CREATIONS; index += 1) {
      const started = performance.now();
      const created = await request('POST', '/v1/connectors', {
        name: `Created ${randomUUID()}`,
        type: 'web_scraper',
        config: { url: `${fastSite.url}/`, extractionType: 'single' },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      times.push((performance.now() - started) / 1000);
    }
    return times.toSorted((a, b) => a - b)[Math.floor(CREATIONS / 2)]!;
  }

  /** Opens `count` streams in batches; each accepted one is read until aborted, and counted once it has sent something. */
  async function flood(route: string, count: number) {
    const outcome = { accepted: 0, refused: 0, other: [] as string[], sending: 0 };
    for (let start = 0; start < count; start += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, count - start) }, async () => {
        const client = new AbortController();
        clients.push(client);
        const response = await fetch(`${url}${route}`, { headers: { authorization: `Bearer ${adminKey}` }, signal: client.signal });
        if (response.status === 200) {
          outcome.accepted += 1;
          let heard = false;
          const listen = new WritableStream({
            write() {
              if (!heard) outcome.sending += 1;
              heard = true;
            },
          });
          void response.body!.pipeTo(listen).catch(() => undefined);
        } else {
          const text = await response.text();
          if (response.status === 429 && response.headers.has('retry-after') && text.includes('"code":"too_many_requests"')) outcome.refused += 1;
          else outcome.other.push(`${response.status} ${text}`);
        }
      });
      await Promise.all(batch);
    }
    return outcome;
  }

  it('holds at most the cap open, refuses the rest with 429, and keeps the API small and quick', async () => {
    const created = await request('POST', '/v1/connectors', {
      name: 'Followed',
      type: 'web_scraper',
      config: { url: `${slowSite.url}/`, extractionType: 'all', delayMs: 0, maxPages: 5000 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const started = await request('POST', `/v1/connectors/${created.body.data.id}/sync`);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    followed = { connectorId: created.body.data.id, jobId: started.body.data.jobId };
    const events = `/v1/connectors/${followed.connectorId}/sync/${followed.jobId}/events`;

    const before = { seconds: await creationSeconds(), rss: memoryOf(api) };
    const flooded = await flood(events, CLIENTS);
    // Long enough for every open stream to have been sent the job a few times.
    await sleep(3000);
    const during = { seconds: await creationSeconds(), rss: memoryOf(api) };
    console.log(
      `sse flood: ${CLIENTS} clients, ${flooded.accepted} accepted (${flooded.sending} sending), ${flooded.refused} refused (cap ${MAX_STREAMS}), ${flooded.other.length} other; ` +
        `API RSS ${before.rss.rssMb} MB before, ${during.rss.rssMb} MB during (peak ${during.rss.peakMb} MB, bound ${RSS_BOUND_MB}); ` +
        `connector creation ${before.seconds.toFixed(2)} s before, ${during.seconds.toFixed(2)} s during`,
    );

    expect(flooded.other).toEqual([]);
    expect(flooded.accepted).toBe(MAX_STREAMS);
    expect(flooded.refused).toBe(CLIENTS - MAX_STREAMS);
    expect(flooded.sending, 'streams that were sent the job').toBe(MAX_STREAMS);
    expect(during.rss.peakMb).toBeLessThan(RSS_BOUND_MB);
    expect(during.seconds).toBeLessThanOrEqual(before.seconds * 2);

    // Once every client has gone, the whole cap is free again: no slot leaked.
    for (const client of clients.splice(0)) client.abort();
    // The API hears of each closed socket at once; a moment covers the last of two thousand.
    await sleep(1000);
    expect(await flood(events, MAX_STREAMS)).toMatchObject({ accepted: MAX_STREAMS, refused: 0, other: [] });
  });
});

/** Resident and peak resident memory of a process, in MB, from /proc. */
function memoryOf(running: RunningProcess): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${running.child.pid}/status`, 'utf8');
  const kilobytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssMb: Math.round(kilobytes('VmRSS') / 1024), peakMb: Math.round(kilobytes('VmHWM') / 1024) };
}
