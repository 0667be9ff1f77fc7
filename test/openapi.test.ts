import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, createTestKey, type TestApp } from './support/api.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { connectTestClient } from './support/temporal.ts';

describe('OpenAPI document and docs', () => {
  let database: TestDatabase;
  let client: Client;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    client = await connectTestClient();
    app = createTestApp({ db: database.db, client, taskQueue: 'unused' });
  });
  afterAll(async () => {
    await client?.connection.close();
    await database?.drop();
  });

  it('is OpenAPI 3.1 and covers every registered route', async () => {
    const { status, body: document } = await call(app, 'GET', '/openapi.json');
    expect(status).toBe(200);
    expect(document.openapi).toBe('3.1.0');

    const undocumented = ['/openapi.json', '/docs', '/docs/assets/docs-init.js', '/docs/assets/*', '/metrics', '/v1/*', '*'];
    const routes = app.routes
      .filter((route) => route.method !== 'ALL' && !undocumented.includes(route.path))
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(routes.length).toBeGreaterThan(4);
    expect(documented.sort()).toEqual([...new Set(routes)].sort());
  });

  it('documents the connector schemas, errors and bearer auth', async () => {
    const { body: document } = await call(app, 'GET', '/openapi.json');
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Connector', 'CreateConnector', 'PutConnector', 'Schedule', 'Metadata', 'Error', 'WebScraperConfig']),
    );
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.paths['/v1/connectors'].post.responses).toHaveProperty('400');
  });

  it('serves interactive docs with their assets from this server', async () => {
    const page = await app.request('/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
    const bundle = await app.request('/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    const init = await (await app.request('/docs/assets/docs-init.js')).text();
    expect(init).toContain("url: '/openapi.json'");
  });

  it('reports readiness from the database and Temporal', async () => {
    expect(await call(app, 'GET', '/readyz')).toEqual({
      status: 200,
      body: { status: 'ok', checks: { database: 'ok', temporal: 'ok' } },
    });
    expect((await call(app, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
  });

  it('exposes Prometheus metrics of requests by route to the holder of the metrics token', async () => {
    const metricsToken = 'metrics-token-for-the-tests';
    const keyed = createTestApp({ db: database.db, client, taskQueue: 'unused', metricsToken });
    await call(keyed, 'GET', '/healthz');
    await call(keyed, 'GET', '/v1/connectors/some-id', { key: await createTestKey(database.db, 'ws-metrics') });
    const response = await keyed.request('/metrics', { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/tributary_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toContain('route="/v1/connectors/:id"');
    expect(text).not.toContain('some-id');
    expect(text).toContain('tributary_api_process_resident_memory_bytes');
  });

  it('answers unknown routes with the error shape', async () => {
    const response = await call(app, 'GET', '/v2/nothing');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });
});
