import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, type Db } from '../../db/database.ts';
import { startDevServer, type DevServer } from '../../temporal/dev-server.ts';
import { call, createTestApp, createTestKey, type TestApp } from '../support/api.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { connectTestClient } from '../support/temporal.ts';
import { freePort } from '../../tools/ports.ts';

describe.each(dialects)('an API whose Temporal server is down, on %s', (dialect) => {
  let database: TestDatabase;
  let server: DevServer;
  let client: Client;
  let app: TestApp;
  let key: string;
  let stateDir: string;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    stateDir = mkdtempSync(path.join(tmpdir(), 'tributary-health-'));
    server = await startDevServer({
      cliPath: inject('temporalCliPath'),
      port: await freePort(),
      uiPort: await freePort(),
      namespace: 'default',
      stateDir,
      readyTimeoutMs: 120_000,
    });
    client = await connectTestClient(server.address);
    // No worker: every request below fails at Temporal or answers from the database.
    app = createTestApp({ db: database.db, client, taskQueue: `health-${Date.now()}`, workflowWaitMs: 5_000 });
    key = await createTestKey(database.db, 'ws-health');
  });
  afterAll(async () => {
    await client?.connection.close();
    await server?.stop();
    await database?.drop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('is ready while Temporal answers, then answers 503 temporal_unavailable and is not ready once it stops', async () => {
    const ready = await call(app, 'GET', '/readyz');
    expect(ready).toEqual({ status: 200, body: { status: 'ok', checks: { database: 'ok', temporal: 'ok' } } });

    await server.stop();

    const asked = Date.now();
    const notReady = await call(app, 'GET', '/readyz');
    expect(notReady).toEqual({ status: 503, body: { status: 'unavailable', checks: { database: 'ok', temporal: 'unreachable' } } });
    // A probe of its own deadline: a load balancer learns of the outage in seconds, not after the client's retries.
    expect(Date.now() - asked).toBeLessThan(3_000);
    const created = await call(app, 'POST', '/v1/connectors', {
      key,
      body: { name: 'Down', type: 'web_scraper', config: { url: 'https://docs.example.com/', extractionType: 'all' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(503);
    expect(created.body.error.code).toBe('temporal_unavailable');
    // A rejected request writes nothing.
    expect(await database.db.selectFrom('connectors').select('id').execute()).toEqual([]);
    // Reads that need only the database still answer.
    expect((await call(app, 'GET', '/v1/connectors', { key })).status).toBe(200);
    expect((await call(app, 'GET', '/healthz')).status).toBe(200);
  });
});

describe('an API whose Temporal accepts connections but never answers', () => {
  let database: TestDatabase;
  let silent: Server;
  let client: Client;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    // Holds every connection open and says nothing, as a hung server or a black-holed route does.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    client = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${port}` }) });
  });
  afterAll(async () => {
    await client?.connection.close();
    silent?.close();
    await database?.drop();
  });

  it('is not ready within seconds', async () => {
    const app = createTestApp({ db: database.db, client, taskQueue: `health-silent-${Date.now()}` });
    const asked = Date.now();
    const answer = await Promise.race([call(app, 'GET', '/readyz'), new Promise((resolve) => setTimeout(() => resolve('no answer after 10 s'), 10_000))]);
    expect(answer).toEqual({ status: 503, body: { status: 'unavailable', checks: { database: 'ok', temporal: 'unreachable' } } });
    expect(Date.now() - asked).toBeLessThan(3_000);
  });
});

describe('an API whose PostgreSQL cannot be reached', () => {
  let db: Db;
  let client: Client;
  let app: TestApp;

  beforeAll(async () => {
    // A port where nothing listens: every connection is refused.
    db = createDatabase({ kind: 'postgres', url: `postgres://postgres@127.0.0.1:${await freePort()}/tributary`, poolSize: 2 });
    client = await connectTestClient();
    app = createTestApp({ db, client, taskQueue: `health-db-${Date.now()}` });
  });
  afterAll(async () => {
    await client?.connection.close();
    await db?.destroy();
  });

  it('answers 503 database_unavailable, never a 500, and /readyz is not ready', async () => {
    const notReady = await call(app, 'GET', '/readyz');
    expect(notReady).toEqual({ status: 503, body: { status: 'unavailable', checks: { database: 'unreachable', temporal: 'ok' } } });
    for (const [method, route] of [
      ['GET', '/v1/connectors'],
      ['GET', '/v1/workspaces/me'],
      ['POST', '/v1/connectors'],
    ] as const) {
      const response = await call(app, method, route, {
        key: 'trb_a-key-the-api-must-look-up-in-the-database',
        ...(method === 'POST' ? { body: { name: 'Down', type: 'web_scraper', config: { url: 'https://docs.example.com/', extractionType: 'all' } } } : {}),
      });
      expect(response.status, `${method} ${route}: ${JSON.stringify(response.body)}`).toBe(503);
      expect(response.body.error.code).toBe('database_unavailable');
    }
    expect((await call(app, 'GET', '/healthz')).status).toBe(200);
  });
});
