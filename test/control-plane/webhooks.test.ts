import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestKey } from '../support/api.ts';
import { eventually, startControlPlane, syncToEnd, waitForSync, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite, type FakeSite } from '../support/fake-site.ts';
import { startLocalServer, type LocalServer, type RecordedRequest } from '../support/http-server.ts';
import { rowChanges, snapshotRows } from '../support/row-snapshot.ts';

interface Delivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  event: { id: string; type: string; createdAt: string; data: Record<string, any> };
}

describe('webhooks on sqlite', () => {
  let plane: ControlPlane;
  let receiver: LocalServer;
  let site: FakeSite;
  /** The secret of each receiver path, as the creation answer gave it. */
  const secrets = new Map<string, string>();
  /** Whether each request's signature verified, in arrival order. */
  const verified = new Map<RecordedRequest, boolean>();

  beforeAll(async () => {
    // Production backs off from 1 s; a tenth of that keeps the retries of this file short.
    plane = await startControlPlane('sqlite', { webhookRetry: { initialIntervalMs: 100, maximumIntervalMs: 1_000, maximumAttempts: 8 } });
    const flakyAttempts = new Map<string, number>();
    receiver = await startLocalServer((request, response) => {
      const secret = secrets.get(request.path);
      const valid = secret !== undefined && verifySignature(secret, String(request.headers['tributary-signature']), request.body);
      verified.set(request, valid);
      if (request.path === '/missing') response.statusCode = 404;
      else if (!valid) response.statusCode = 401;
      else if (request.path === '/hooks/gone') response.statusCode = 410;
      else if (request.path === '/hooks/flaky') {
        const delivery = String(request.headers['tributary-delivery']);
        const seen = (flakyAttempts.get(delivery) ?? 0) + 1;
        flakyAttempts.set(delivery, seen);
        response.statusCode = seen <= 2 ? 500 : 200;
      } else response.statusCode = 200;
      response.end();
    });
    // Fifty slow pages: a sync that is still running when it is canceled.
    site = await startFakeSite({ extraPages: 45, delayMs: 60 });
  }, 60_000);
  afterAll(async () => {
    await plane?.close();
    await receiver?.close();
    await site?.close();
  });

  async function subscribe(path: string, events: string[]) {
    const created = await plane.request('POST', '/v1/webhooks', { body: { url: `${receiver.url}${path}`, events } });
    expect(created.status).toBe(201);
    secrets.set(path, created.body.data.secret);
    return created.body.data as { id: string; secret: string; secretHint: string; events: string[] };
  }

  async function deliveriesOf(webhookId: string, query = ''): Promise<{ data: Delivery[]; nextCursor: string | null }> {
    const listed = await plane.request('GET', `/v1/webhooks/${webhookId}/deliveries${query}`);
    expect(listed.status).toBe(200);
    return listed.body;
  }

  /** Waits until the webhook has `count` deliveries, none of them pending. */
  async function settledDeliveries(webhookId: string, count: number): Promise<Delivery[]> {
    return eventually(async () => {
      const { data } = await deliveriesOf(webhookId);
      expect(data).toHaveLength(count);
      expect(data.map((delivery) => delivery.status)).not.toContain('pending');
      return data;
    });
  }

  async function uploadConnector(name: string): Promise<string> {
    const created = await plane.request('POST', '/v1/connectors', { body: { name, type: 'upload', config: {} } });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    const form = new FormData();
    form.append('file', new File(['# Vacation policy'], 'vacation.md', { type: 'text/markdown' }));
    const uploaded = await plane.app.request(`/v1/connectors/${id}/files`, { method: 'POST', headers: { authorization: `Bearer ${plane.key}` }, body: form });
    expect(uploaded.status).toBe(201);
    return id;
  }

  it('signs each attempt, retries a receiver that fails twice, and records the delivery with 3 attempts and status 200', async () => {
    const webhook = await subscribe('/hooks/flaky', ['sync.succeeded']);
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const connectorId = await uploadConnector('Handbook');
    const job = await syncToEnd(plane, connectorId);
    expect(job.status).toBe('succeeded');

    const [delivery] = await settledDeliveries(webhook.id, 1);
    expect(delivery).toMatchObject({
      webhookId: webhook.id,
      eventType: 'sync.succeeded',
      status: 'delivered',
      attempts: 3,
      lastStatusCode: 200,
      lastError: null,
    });
    expect(delivery?.deliveredAt).not.toBeNull();
    expect(delivery?.event).toMatchObject({
      id: delivery?.eventId,
      type: 'sync.succeeded',
      data: { connectorId, jobId: job.jobId, status: 'succeeded', counters: { collected: 1, indexed: 1, failed: 0 } },
    });
    expect(typeof delivery?.event.data.changeCursor).toBe('string');
    // The connector's own creation (creating → connected) is an event this webhook did not subscribe to.

    const attempts = receiver.requests.filter((request) => request.path === '/hooks/flaky');
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts) {
      expect(verified.get(attempt)).toBe(true);
      expect(attempt.method).toBe('POST');
      expect(attempt.headers['tributary-event']).toBe('sync.succeeded');
      expect(attempt.headers['tributary-delivery']).toBe(delivery?.id);
      expect(JSON.parse(attempt.body)).toEqual(delivery?.event);
    }
    // Backoff: the retries did not follow at once.
    const gaps = attempts.slice(1).map((attempt, index) => attempt.at - (attempts[index]?.at ?? 0));
    expect(gaps.every((gap) => gap >= 80)).toBe(true);
  });

  it('announces failed and canceled syncs, newest first, and gives up at once on a 4xx', async () => {
    const webhook = await subscribe('/hooks/ok', ['sync.failed', 'sync.canceled']);
    const gone = await subscribe('/hooks/gone', ['sync.failed']);

    const broken = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Missing page', type: 'web_scraper', config: { url: `${receiver.url}/missing`, extractionType: 'single' } },
    });
    expect(broken.status).toBe(201);
    const failed = await syncToEnd(plane, broken.body.data.id);
    expect(failed.status).toBe('failed');

    const slow = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Slow site', type: 'web_scraper', config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0 } },
    });
    const slowId = slow.body.data.id as string;
    const started = await plane.request('POST', `/v1/connectors/${slowId}/sync`);
    const jobId = started.body.data.jobId as string;
    await eventually(async () => {
      const status = await plane.request('GET', `/v1/connectors/${slowId}/sync/${jobId}`);
      expect(status.body.data.progress.collected).toBeGreaterThan(0);
    });
    expect((await plane.request('POST', `/v1/connectors/${slowId}/sync/${jobId}/cancel`)).status).toBe(202);
    expect((await waitForSync(plane, slowId, jobId)).status).toBe('canceled');

    const [canceledDelivery, failedDelivery] = await settledDeliveries(webhook.id, 2);
    expect(canceledDelivery).toMatchObject({ eventType: 'sync.canceled', status: 'delivered', attempts: 1, lastStatusCode: 200 });
    expect(canceledDelivery?.event.data).toMatchObject({ connectorId: slowId, jobId, status: 'canceled' });
    expect(canceledDelivery?.event.data.counters.collected).toBeGreaterThan(0);
    expect(canceledDelivery?.event.data.changeCursor).toBeUndefined();
    expect(failedDelivery).toMatchObject({ eventType: 'sync.failed', status: 'delivered', attempts: 1 });
    expect(failedDelivery?.event.data).toMatchObject({ connectorId: broken.body.data.id, jobId: failed.jobId, status: 'failed', error: failed.error });
    expect(failedDelivery?.event.data.error).toContain('404');

    const firstPage = await deliveriesOf(webhook.id, '?limit=1');
    expect(firstPage.data.map((delivery) => delivery.id)).toEqual([canceledDelivery?.id]);
    const secondPage = await deliveriesOf(webhook.id, `?limit=1&cursor=${encodeURIComponent(firstPage.nextCursor ?? '')}`);
    expect(secondPage).toEqual({ data: [failedDelivery], nextCursor: null });

    // 410 will not change on a retry: one attempt, recorded as failed with its status.
    const [refused] = await settledDeliveries(gone.id, 1);
    expect(refused).toMatchObject({ eventType: 'sync.failed', status: 'failed', attempts: 1, lastStatusCode: 410, lastError: 'The receiver answered 410' });
    expect(receiver.requests.filter((request) => request.path === '/hooks/gone')).toHaveLength(1);
  });

  it('announces a connector state change with its from, to and reason', async () => {
    const webhook = await subscribe('/hooks/states', ['connector.state_changed']);
    const connectorId = await uploadConnector('Wiki');
    expect((await plane.request('POST', `/v1/connectors/${connectorId}/pause`)).status).toBeLessThan(300);

    const deliveries = await settledDeliveries(webhook.id, 2);
    expect(deliveries.map((delivery) => delivery.event.data)).toEqual([
      { connectorId, from: 'connected', to: 'paused', reason: expect.any(String) },
      { connectorId, from: 'creating', to: 'connected', reason: null },
    ]);
    expect(deliveries.every((delivery) => delivery.status === 'delivered' && delivery.eventType === 'connector.state_changed')).toBe(true);
  });

  it('refuses a URL that is not http or https, or bad events, with 400 and writes nothing', async () => {
    const before = await snapshotRows(plane.database.db);
    const bodies = [
      { body: { url: 'javascript:alert(1)', events: ['sync.failed'] }, path: ['url'] },
      { body: { url: 'ftp://files.example.com/hook', events: ['sync.failed'] }, path: ['url'] },
      { body: { url: 'https://hooks.example.com/', events: [] }, path: ['events'] },
      { body: { url: 'https://hooks.example.com/', events: ['sync.started'] }, path: ['events', '0'] },
      { body: { url: 'https://hooks.example.com/', events: ['sync.failed', 'sync.failed'] }, path: ['events'] },
      { body: { url: 'https://hooks.example.com/', events: ['sync.failed'], secret: 'mine' }, path: [] },
    ];
    for (const { body, path } of bodies) {
      const refused = await plane.request('POST', '/v1/webhooks', { body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe('invalid_request');
      expect(refused.body.error.details.issues[0].path).toEqual(path);
    }
    const scheme = await plane.request('POST', '/v1/webhooks', { body: bodies[0]?.body });
    expect(scheme.body.error.message).toContain('must be an http or https URL');
    expect(rowChanges(before, await snapshotRows(plane.database.db))).toEqual([]);
  });

  it('lets a viewer list webhooks but not create or delete one, and hides them from other workspaces', async () => {
    const webhook = await subscribe('/hooks/viewer', ['sync.failed']);
    const viewer = await createTestKey(plane.database.db, plane.workspaceId, 'viewer');
    const before = await snapshotRows(plane.database.db);
    const refused = await plane.request('POST', '/v1/webhooks', { key: viewer, body: { url: `${receiver.url}/hooks/viewer`, events: ['sync.failed'] } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await plane.request('DELETE', `/v1/webhooks/${webhook.id}`, { key: viewer })).status).toBe(403);
    expect(rowChanges(before, await snapshotRows(plane.database.db))).toEqual([]);
    expect((await plane.request('GET', '/v1/webhooks', { key: viewer })).status).toBe(200);

    const stranger = await createTestKey(plane.database.db, 'ws-stranger');
    expect((await plane.request('GET', '/v1/webhooks', { key: stranger })).body.data).toEqual([]);
    expect((await plane.request('GET', `/v1/webhooks/${webhook.id}/deliveries`, { key: stranger })).status).toBe(404);
    expect((await plane.request('DELETE', `/v1/webhooks/${webhook.id}`, { key: stranger })).status).toBe(404);
  });

  it('shows the secret in the creation answer only: never in lists, deliveries, the database or workflow history', async () => {
    const webhook = await subscribe('/hooks/secret', ['sync.succeeded']);
    expect(webhook.secretHint).toBe(`••••${webhook.secret.slice(-4)}`);
    await syncToEnd(plane, await uploadConnector('Secret test'));
    const [delivery] = await settledDeliveries(webhook.id, 1);

    const listed = await plane.request('GET', '/v1/webhooks?limit=200');
    const shown = listed.body.data.find((item: { id: string }) => item.id === webhook.id);
    expect(shown).toEqual({
      id: webhook.id,
      url: `${receiver.url}/hooks/secret`,
      events: ['sync.succeeded'],
      secretHint: webhook.secretHint,
      createdAt: expect.any(String),
    });
    const deliveries = await deliveriesOf(webhook.id);
    const row = await plane.database.db.selectFrom('webhooks').selectAll().where('id', '=', webhook.id).executeTakeFirstOrThrow();
    const history = await plane.client.workflow.getHandle(`webhook-${delivery?.id}`).fetchHistory();
    for (const text of [JSON.stringify(listed.body), JSON.stringify(deliveries), JSON.stringify(row), JSON.stringify(history)]) {
      expect(text).not.toContain(webhook.secret);
      expect(text).not.toContain(webhook.secret.slice('whsec_'.length));
    }
  });

  it('stops sending to a deleted webhook and answers 404 for it afterwards', async () => {
    const webhook = await subscribe('/hooks/deleted', ['sync.succeeded']);
    expect((await plane.request('DELETE', `/v1/webhooks/${webhook.id}`)).status).toBe(204);
    expect((await plane.request('DELETE', `/v1/webhooks/${webhook.id}`)).status).toBe(404);
    expect((await plane.request('GET', `/v1/webhooks/${webhook.id}/deliveries`)).status).toBe(404);
    const listed = await plane.request('GET', '/v1/webhooks?limit=200');
    expect(listed.body.data.map((item: { id: string }) => item.id)).not.toContain(webhook.id);

    await syncToEnd(plane, await uploadConnector('After delete'));
    const recorded = await plane.database.db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', webhook.id).execute();
    expect(recorded).toEqual([]);
    expect(receiver.requests.filter((request) => request.path === '/hooks/deleted')).toEqual([]);
  });
});

/** A receiver's check, as the README shows it: the HMAC of `<t>.<body>` under the secret, within 5 minutes, compared in constant time. */
function verifySignature(secret: string, header: string, body: string, toleranceSeconds = 300): boolean {
  const fields = Object.fromEntries(header.split(',').map((field) => field.split('=', 2) as [string, string]));
  const timestamp = Number(fields.t);
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  const given = Buffer.from(fields.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
