import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPages, createTributaryClient, TributaryApiError, type SyncEvent, type TributaryClient } from '../../client/index.ts';
import { readEventStream } from '../../client/sync-events.ts';
import { clientTypesFile, generateClientTypes, renderOpenApiDocument } from '../../scripts/client-types.ts';
import { startControlPlane, uniqueId, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite, type FakeSite } from '../support/fake-site.ts';
import { serveOnLoopback, type ServedApp } from '../support/served-app.ts';

describe('the typed client against the real stack', () => {
  let plane: ControlPlane;
  let site: FakeSite;
  let served: ServedApp;
  let client: TributaryClient;

  beforeAll(async () => {
    [plane, site] = await Promise.all([startControlPlane('sqlite'), startFakeSite({ delayMs: 20 })]);
    served = await serveOnLoopback(plane.app);
    client = createTributaryClient({ baseUrl: `${served.url}/`, apiKey: plane.key });
  });
  afterAll(async () => {
    await served?.close();
    await plane?.close();
    await site?.close();
  });

  it('is built on types generated from the document the API serves (the check that keeps client/openapi.ts current)', async () => {
    const response = await fetch(`${served.url}/openapi.json`);
    const servedDocument = (await response.json()) as Record<string, unknown>;
    expect(await renderOpenApiDocument()).toEqual(servedDocument);
    const checkedIn = readFileSync(clientTypesFile, 'utf8');
    // On failure: run `npm run client:generate` and commit client/openapi.ts.
    expect(await generateClientTypes(servedDocument)).toBe(checkedIn);
  });

  it('creates a web crawl, syncs it, follows its progress to the end and reads its failures', async () => {
    const connector = await client.connectors.create({
      name: uniqueId('docs site'),
      type: 'web_scraper',
      config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0 },
    });
    expect(connector).toMatchObject({ type: 'web_scraper', state: 'connected', collection: connector.id });
    expect(await client.connectors.get(connector.id)).toMatchObject({ id: connector.id, name: connector.name });

    const queued = await client.connectors.sync(connector.id);
    expect(queued).toMatchObject({ jobId: expect.any(String), status: 'queued', startedAt: expect.any(String) });
    const events: SyncEvent[] = [];
    for await (const event of client.connectors.events(connector.id, queued.jobId)) events.push(event);
    const end = events.at(-1)!;
    expect(end.type).toBe('end');
    expect(events.slice(0, -1).every((event) => event.type === 'progress')).toBe(true);
    expect(end.job).toMatchObject({ jobId: queued.jobId, status: 'succeeded', progress: { failed: 1 } });
    expect(end.job.progress.indexed).toBeGreaterThanOrEqual(5);

    expect(await client.connectors.syncStatus(connector.id, queued.jobId)).toEqual(end.job);
    const failures = await client.connectors.failures(connector.id, queued.jobId);
    expect(failures).toEqual({
      data: [{ externalId: `${site.url}/broken`, stage: 'read', error: expect.stringContaining('500'), at: expect.any(String) }],
      nextCursor: null,
    });
    const history = await client.connectors.syncs(connector.id);
    expect(history.data.map((job) => job.jobId)).toEqual([queued.jobId]);

    const renamed = await client.connectors.update(connector.id, { name: 'Renamed site' });
    expect(renamed.name).toBe('Renamed site');
    const listed = [];
    for await (const each of allPages((cursor) => client.connectors.list({ limit: 1, ...(cursor ? { cursor } : {}) }))) listed.push(each.id);
    expect(listed).toContain(connector.id);
  });

  it('cancels a running sync, whose stream then ends canceled', async () => {
    const slow = await startFakeSite({ extraPages: 40, delayMs: 150, failingPages: false });
    try {
      const connector = await client.connectors.create({
        name: uniqueId('slow site'),
        type: 'web_scraper',
        config: { url: `${slow.url}/`, extractionType: 'all', delayMs: 0 },
      });
      const { jobId } = await client.connectors.sync(connector.id);
      const conflict = await client.connectors.sync(connector.id).catch((error: unknown) => error);
      expect(conflict).toBeInstanceOf(TributaryApiError);
      expect(conflict).toMatchObject({ status: 409, code: 'conflict' });

      await expect(client.connectors.cancel(connector.id, jobId)).resolves.toMatchObject({ jobId, status: expect.stringMatching(/^cancel/) });
      let last: SyncEvent | undefined;
      for await (const event of client.connectors.events(connector.id, jobId)) last = event;
      expect(last).toMatchObject({ type: 'end', job: { status: 'canceled' } });
      expect(last!.job.progress.collected).toBeLessThan(40);
    } finally {
      await slow.close();
    }
  });

  it("throws the API's error code and message, and writes nothing for bad input", async () => {
    const before = await client.connectors.list();
    const withoutUrl = { name: 'No config', type: 'web_scraper', config: { extractionType: 'all' } } as const;
    // A caller without the types (plain JavaScript) can still send this; the generated types refuse it.
    // @ts-expect-error web_scraper's config needs a url
    const invalid = await client.connectors.create(withoutUrl).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(TributaryApiError);
    expect(invalid).toMatchObject({ status: 400, code: 'invalid_request', message: expect.stringContaining('url') });
    expect(await client.connectors.list()).toEqual(before);

    await expect(client.connectors.get('conn_missing')).rejects.toMatchObject({ name: 'TributaryApiError', status: 404, code: 'not_found' });
    await expect(client.connectors.syncStatus(before.data[0]!.id, 'job_missing')).rejects.toMatchObject({ status: 404, code: 'not_found' });

    const stranger = createTributaryClient({ baseUrl: served.url, apiKey: 'trb_not-a-key' });
    const refused = await stranger.connectors.list().catch((error: unknown) => error);
    const direct = await plane.request('GET', '/v1/connectors', { key: 'trb_not-a-key' });
    expect(refused).toMatchObject({ status: 401, code: 'unauthorized', message: direct.body.error.message });
    expect((refused as Error).message).not.toContain('trb_not-a-key');
    await expect(stranger.connectors.events('conn_x', 'job_x').next()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });

    const elsewhere = createTributaryClient({ baseUrl: site.url, apiKey: plane.key });
    await expect(elsewhere.connectors.list()).rejects.toMatchObject({ status: 404, code: 'unexpected_response' });
  });

  it('creates, reads and deletes a credential without ever answering its secret', async () => {
    const secret = 'jira-token-that-must-never-come-back';
    const credential = await client.credentials.create({
      name: 'Jira bot',
      type: 'jira',
      kind: 'api_token',
      secret: { token: secret, email: 'bot@example.com' },
    });
    expect(JSON.stringify(credential)).not.toContain(secret);
    expect(await client.credentials.get(credential.id)).toEqual(credential);
    expect((await client.credentials.list()).map((each) => each.id)).toContain(credential.id);
    expect((await client.credentials.update(credential.id, { name: 'Jira robot' })).name).toBe('Jira robot');
    await client.credentials.delete(credential.id);
    await expect(client.credentials.get(credential.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('reading a Server-Sent Events body', () => {
  it('joins messages split across chunks, keeps multi-line data and drops heartbeat comments', async () => {
    const chunks = ['event: progress\r\nid: 0\r\ndata: {"a"', ':1}\r\n\r\n: heartbeat\n\n', 'event: end\ndata: first\ndata: second\n', '\n'];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const messages = [];
    for await (const message of readEventStream(body)) messages.push(message);
    expect(messages).toEqual([
      { event: 'progress', data: '{"a":1}' },
      { event: 'end', data: 'first\nsecond' },
    ]);
  });
});
