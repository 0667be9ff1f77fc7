import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiLimits } from '../../config/limits.ts';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { call, createTestApp, createTestKey } from '../support/api.ts';
import { eventually, startControlPlane, uniqueId, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite, type FakeSite } from '../support/fake-site.ts';

/** Above the ~2 s a read of the stuck job takes (its progress query waits out its deadline). */
const IDLE_MS = 3000;

describe('live-progress streams, served over HTTP', () => {
  let plane: ControlPlane;
  let site: FakeSite;
  const servers: ServerType[] = [];
  const streams: Stream[] = [];
  let otherKey: string;
  /** A job whose workflow waits on a task queue no worker polls: it stays queued and never changes. */
  let stuck: { connectorId: string; jobId: string };

  beforeAll(async () => {
    plane = await startControlPlane('sqlite');
    site = await startFakeSite({ extraPages: 20, delayMs: 40, failingPages: false });
    otherKey = await createTestKey(plane.database.db, plane.workspaceId);
    const unserved = createTestApp({ db: plane.database.db, client: plane.client, taskQueue: uniqueId('no-worker') });
    const connectorId = await createConnector();
    const queued = await call(unserved, 'POST', `/v1/connectors/${connectorId}/sync`, { key: plane.key });
    expect(queued.status).toBe(202);
    stuck = { connectorId, jobId: queued.body.data.jobId };
  });
  afterAll(async () => {
    for (const stream of streams) stream.abort();
    // Else the stuck job's workflow would wait for a worker for as long as the dev server runs.
    if (stuck) await plane.client.workflow.getHandle(workflowIds.syncJob(stuck.connectorId, stuck.jobId)).terminate();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await plane?.close();
    await site?.close();
  });

  /** The app with these limits, served on a loopback port. */
  async function serveApp(limits: Partial<ApiLimits>): Promise<string> {
    const app = createTestApp({ db: plane.database.db, client: plane.client, taskQueue: plane.worker.taskQueue, limits });
    const server = await new Promise<ServerType>((resolve) => {
      const listening = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(listening));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function createConnector(): Promise<string> {
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: uniqueId('site'), type: 'web_scraper', config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0 } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.data.id as string;
  }

  async function open(base: string, job: { connectorId: string; jobId: string }, key = plane.key): Promise<Stream> {
    const stream = await openStream(`${base}/v1/connectors/${job.connectorId}/sync/${job.jobId}/events`, key);
    streams.push(stream);
    return stream;
  }

  it('refuses a stream past the per-key and the total cap with 429, and frees a slot however the client leaves', async () => {
    const base = await serveApp({ maxStreamsPerKey: 2, maxStreams: 3, streamIdleMs: 60_000 });
    const first = await open(base, stuck);
    const second = await open(base, stuck);
    expect([first.response.status, second.response.status]).toEqual([200, 200]);

    const third = await open(base, stuck);
    expect(third.response.status).toBe(429);
    expect(third.response.headers.get('retry-after')).toBe('5');
    expect(third.body).toEqual({
      error: { code: 'too_many_requests', message: expect.stringContaining('TRIBUTARY_MAX_STREAMS_PER_KEY'), details: { limit: 'streams_per_key', max: 2 } },
    });

    // Another key still gets one, up to the total.
    expect((await open(base, stuck, otherKey)).response.status).toBe(200);
    const overTotal = await open(base, stuck, otherKey);
    expect(overTotal.response.status).toBe(429);
    expect(overTotal.body.error.message).toContain('TRIBUTARY_MAX_STREAMS)');

    // A client that cancels its reader after the first event, and one aborted mid-stream.
    await first.waitFor(/event: progress/);
    await first.cancel();
    const afterCancel = await eventually(async () => expectStatus(await open(base, stuck), 200));
    await second.waitFor(/event: progress/);
    second.abort();
    await eventually(async () => expectStatus(await open(base, stuck), 200));
    expect((await open(base, stuck)).response.status).toBe(429);
    afterCancel.abort();
  });

  it('sends the unchanged job once, heartbeats in between, and closes after the idle time with a reconnect hint', async () => {
    const base = await serveApp({ maxStreamsPerKey: 1, maxStreams: 1, streamIdleMs: IDLE_MS });
    const stream = await open(base, stuck);
    expect(stream.response.status).toBe(200);
    const openedAt = Date.now();
    const text = await stream.ended();
    const events = parseEvents(text);

    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(IDLE_MS);
    expect(events.filter((event) => event.event === 'progress')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ event: 'reconnect', retry: '1000', data: { reason: 'idle' } });
    expect(text.match(/^: heartbeat$/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
    // The idle close gave its slot back.
    expect((await open(base, stuck)).response.status).toBe(200);
  });

  it('ends a finished job with `end`, sending progress only when it changed, and gives the slot back', async () => {
    const base = await serveApp({ maxStreamsPerKey: 1, maxStreams: 1, streamIdleMs: 60_000 });
    const connectorId = await createConnector();
    const started = await plane.request('POST', `/v1/connectors/${connectorId}/sync`);
    expect(started.status).toBe(202);
    const job = { connectorId, jobId: started.body.data.jobId as string };
    const stream = await open(base, job);
    expect(stream.response.status).toBe(200);
    const events = parseEvents(await stream.ended());

    // Opened while the job was queued, so it saw it change before the end.
    expect(events.length).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { jobId: job.jobId, status: 'succeeded' } });
    expect(events.slice(0, -1).every((event) => event.event === 'progress')).toBe(true);
    const states = events.map((event) => JSON.stringify({ ...event.data, progress: { ...event.data.progress, etaSeconds: null } }));
    expect(new Set(states).size).toBe(states.length);
    const again = await open(base, job);
    expect(again.response.status).toBe(200);
    expect(parseEvents(await again.ended())).toMatchObject([{ event: 'end', data: { status: 'succeeded' } }]);
  });
});

interface Stream {
  response: Response;
  /** The JSON body of a refused stream. */
  body: any;
  /** The whole text, once the server has ended the stream; rejects if it is still open after `timeoutMs`. */
  ended(timeoutMs?: number): Promise<string>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  cancel(): Promise<void>;
  abort(): void;
}

/** Opens a stream and reads it in the background. */
async function openStream(url: string, key: string): Promise<Stream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: controller.signal });
  if (response.status !== 200) return { response, body: await response.json(), ended: refused, waitFor: refused, cancel: async () => {}, abort() {} };
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const closed = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += value;
    }
  })();
  closed.catch(() => undefined);
  return {
    response,
    body: undefined,
    ended: (timeoutMs = 20_000) =>
      Promise.race([
        closed,
        sleep(timeoutMs, undefined, { ref: false }).then(() => Promise.reject(new Error(`the stream was still open after ${timeoutMs} ms:\n${text}`))),
      ]),
    waitFor: (pattern, timeoutMs) => eventually(async () => expect(text).toMatch(pattern), timeoutMs),
    cancel: () => reader.cancel(),
    abort: () => controller.abort(),
  };
}

async function refused(): Promise<never> {
  throw new Error('the stream was refused');
}

function expectStatus(stream: Stream, status: number): Stream {
  expect(stream.response.status).toBe(status);
  return stream;
}

/** The events of an SSE text, with their data parsed; comments (`: heartbeat`) left out. */
function parseEvents(text: string): Array<{ event: string; retry: string | undefined; data: any }> {
  return text.split('\n\n').flatMap((block) => {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const field = /^(\w+): ?(.*)$/.exec(line);
      if (field) fields.set(field[1]!, field[2]!);
    }
    const event = fields.get('event');
    return event ? [{ event, retry: fields.get('retry'), data: JSON.parse(fields.get('data') ?? 'null') }] : [];
  });
}
