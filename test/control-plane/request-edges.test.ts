import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, createTestKey, type TestApp } from '../support/api.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { countRows } from '../support/row-snapshot.ts';
import { connectTestClient } from '../support/temporal.ts';

describe.each(dialects)('the edges of the API on %s', (dialect) => {
  let plane: ControlPlane;
  let connectorId: string;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    const created = await plane.request('POST', '/v1/connectors', { body: { name: 'Docs', type: 'upload', config: {} } });
    expect(created.status).toBe(201);
    connectorId = created.body.data.id;
  });
  afterAll(async () => plane?.close());

  it('answers 415 to a JSON route sent without a content type or with another one, writing nothing', async () => {
    const before = await countRows(plane.database.db);
    const body = JSON.stringify({ name: 'Docs', type: 'upload', config: {} });
    const sends: Array<[string, string, Record<string, string>]> = [
      ['POST', '/v1/connectors', {}],
      ['POST', '/v1/connectors', { 'content-type': 'text/plain' }],
      ['PATCH', `/v1/connectors/${connectorId}`, { 'content-type': 'application/x-www-form-urlencoded' }],
      ['POST', '/v1/credentials', {}],
    ];
    for (const [method, path, headers] of sends) {
      const response = await plane.app.request(path, { method, headers: { authorization: `Bearer ${plane.key}`, ...headers }, body });
      expect(response.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(415);
      expect(await response.json()).toEqual({
        error: { code: 'unsupported_media_type', message: expect.stringContaining('application/json'), details: null },
      });
    }
    expect(await countRows(plane.database.db)).toEqual(before);
  });

  it('refuses NUL characters and lone surrogates in body strings and keys, queries and path parameters, naming the field', async () => {
    const cases: Array<{ method: string; path: string; body?: unknown; field: string[] }> = [
      { method: 'POST', path: '/v1/connectors', body: { name: 'Do\u0000cs', type: 'upload', config: {} }, field: ['name'] },
      { method: 'POST', path: '/v1/connectors', body: { name: 'Docs', description: 'a \ud800 b', type: 'upload', config: {} }, field: ['description'] },
      {
        method: 'POST',
        path: '/v1/connectors',
        body: { name: 'Docs', type: 'upload', config: {}, metadata: { 'te\u0000am': 'search' } },
        field: ['metadata', 'te\u0000am'],
      },
      {
        method: 'POST',
        path: '/v1/connectors',
        body: { name: 'Docs', type: 'upload', config: {}, metadata: { '\udc00': 'search' } },
        field: ['metadata', '\udc00'],
      },
      {
        method: 'POST',
        path: '/v1/connectors',
        body: { name: 'Code', type: 'github', config: { repos: ['acme/web', 'acme/\u0000api'] } },
        field: ['config', 'repos', '1'],
      },
      { method: 'PATCH', path: `/v1/connectors/${connectorId}`, body: { name: 'Renamed\u0000' }, field: ['name'] },
      { method: 'PUT', path: '/v1/connectors/new%00id', body: { name: 'Docs', type: 'upload', config: {} }, field: ['id'] },
      {
        method: 'POST',
        path: '/v1/credentials',
        body: { name: 'c', type: 'jira', kind: 'api_token', secret: { token: 't\u0000' } },
        field: ['secret', 'token'],
      },
      { method: 'GET', path: '/v1/connectors/no%00such', field: ['id'] },
      { method: 'GET', path: `/v1/collections/${connectorId}/documents?q=vaca%00tion`, field: ['q'] },
    ];
    const before = await countRows(plane.database.db);
    for (const { method, path, body, field } of cases) {
      const response = await call(plane.app, method, path, { key: plane.key, ...(body === undefined ? {} : { body }) });
      expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
      expect(response.body.error.message).toContain(`: ${field.join('.')}: `);
      expect(response.body.error.message).toMatch(/contains a (NUL character \(U\+0000\)|lone surrogate)/);
      expect(response.body.error.details.issues.map((issue: { path: string[] }) => issue.path)).toEqual([field]);
    }
    expect(await countRows(plane.database.db)).toEqual(before);
    expect((await plane.request('GET', `/v1/connectors/${connectorId}`)).body.data.name).toBe('Docs');
    // The secret never comes back in the refusal.
    const secret = await call(plane.app, 'POST', '/v1/credentials', {
      key: plane.key,
      body: { name: 'c', type: 'jira', kind: 'api_token', secret: { token: 'hunter2\u0000' } },
    });
    expect(JSON.stringify(secret.body)).not.toContain('hunter2');
  });

  if (dialect === 'postgres') {
    it('answers 503 database_unavailable with Retry-After when PostgreSQL is not in a state to serve (55000)', async () => {
      // A real 55000 from the server, raised where a standby being promoted would raise it: on a write.
      await sql`create function refuse_for_now() returns trigger language plpgsql as $$
        begin raise exception 'not yet' using errcode = 'object_not_in_prerequisite_state'; end $$`.execute(plane.database.db);
      await sql`create trigger refuse_uploads before insert on uploaded_files for each row execute function refuse_for_now()`.execute(plane.database.db);
      try {
        const form = new FormData();
        form.append('file', new File(['hello'], 'hello.txt', { type: 'text/plain' }));
        const response = await plane.app.request(`/v1/connectors/${connectorId}/files`, {
          method: 'POST',
          headers: { authorization: `Bearer ${plane.key}` },
          body: form,
        });
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('5');
        expect(await errorCode(response)).toBe('database_unavailable');
      } finally {
        await sql`drop trigger refuse_uploads on uploaded_files`.execute(plane.database.db);
        await sql`drop function refuse_for_now()`.execute(plane.database.db);
      }
    });
  }
});

describe('the edges of the API over HTTP', () => {
  const metricsToken = 'metrics-token-for-the-tests';
  let database: TestDatabase;
  let client: Client;
  let key: string;
  const servers: ServerType[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    client = await connectTestClient();
    key = await createTestKey(database.db, 'ws-edges');
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await client?.connection.close();
    await database?.drop();
  });

  function app(options: { metricsToken?: string } = {}): TestApp {
    return createTestApp({ db: database.db, client, taskQueue: 'unused', ...options });
  }

  async function serveApp(served: TestApp): Promise<string> {
    const server = await new Promise<ServerType>((resolve) => {
      const listening = serve({ fetch: served.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(listening));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('answers an oversize body with the whole 413 and Connection: close, whether or not its length was declared', async () => {
    const base = await serveApp(app());
    for (const declareLength of [true, false]) {
      const before = await countRows(database.db);
      const response = await sendOversize(`${base}/v1/connectors`, key, declareLength);
      expect(response.status, `declared length: ${declareLength}`).toBe(413);
      expect(response.headers.connection).toBe('close');
      expect(JSON.parse(response.body)).toEqual({
        error: { code: 'payload_too_large', message: 'Request bodies are limited to 1048576 bytes', details: null },
      });
      expect(await countRows(database.db)).toEqual(before);
    }
  });

  it('serves /metrics only to the holder of the metrics token, and not at all without one', async () => {
    const closed = app();
    const off = await closed.request('/metrics', { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(off.status).toBe(404);
    expect(await errorCode(off)).toBe('not_found');

    const keyed = app({ metricsToken });
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${metricsToken}x`, `Bearer ${key}`, metricsToken]) {
      const refused = await keyed.request('/metrics', { headers: authorization ? { authorization } : {} });
      expect(refused.status, String(authorization)).toBe(401);
      expect(await errorCode(refused)).toBe('unauthorized');
    }
    const served = await keyed.request('/metrics', { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('tributary_http_requests_total');
  });
});

/**
 * Streams 4 MiB at a route limited to 1 MiB, as a client that reads the answer while it sends would;
 * writes that fail once the server has answered and closed are expected.
 */
function sendOversize(url: string, key: string, declareLength: boolean): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const total = 4 * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 'x');
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
    if (declareLength) headers['content-length'] = String(total);
    const request = httpRequest(url, { method: 'POST', headers });
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (data: Buffer) => chunks.push(data));
      response.on('error', reject);
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
        request.destroy();
      });
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    let sent = 0;
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      if (!answered) request.end();
    };
    pump();
  });
}

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}
