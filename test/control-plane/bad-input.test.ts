import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { dialects } from '../support/databases.ts';
import { startControlPlane, uniqueId, type ControlPlane } from '../support/control-plane.ts';

/** Row counts of every table: a rejected request must leave them all as they were. */
async function snapshot(plane: ControlPlane): Promise<Record<string, number>> {
  const tables = ['workspaces', 'api_keys', 'connectors', 'credentials', 'oauth_states', 'documents'] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await plane.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.count);
  }
  return counts;
}

describe.each(dialects)('bad input on every route, on %s', (dialect) => {
  let plane: ControlPlane;
  let connectorId: string;
  let credentialId: string;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    const connector = await plane.request('POST', '/v1/connectors', { body: { name: 'Docs', type: 'upload', config: {} } });
    connectorId = connector.body.data.id;
    const credential = await plane.request('POST', '/v1/credentials', { body: { name: 'c', type: 'jira', kind: 'api_token', secret: { token: 't' } } });
    credentialId = credential.body.data.id;
  });
  afterAll(async () => plane?.close());

  const routes = () => [
    { method: 'POST', path: '/v1/connectors', valid: { name: 'Docs', type: 'upload', config: {} }, wrongType: { name: 42, type: 'upload', config: {} } },
    {
      method: 'PUT',
      path: `/v1/connectors/${uniqueId('put')}`,
      valid: { name: 'Docs', type: 'upload', config: {} },
      wrongType: { name: 'Docs', type: 'upload', config: [] },
    },
    { method: 'PATCH', path: `/v1/connectors/${connectorId}`, valid: { name: 'Renamed' }, wrongType: { metadata: 'team=search' } },
    {
      method: 'POST',
      path: '/v1/credentials',
      valid: { name: 'c', type: 'jira', kind: 'basic', secret: { username: 'u', password: 'p' } },
      wrongType: { name: 'c', type: 'jira', kind: 'basic', secret: 'p' },
    },
    { method: 'PATCH', path: `/v1/credentials/${credentialId}`, valid: { name: 'renamed' }, wrongType: { name: ['x'] } },
    { method: 'POST', path: '/v1/workspaces', valid: { name: 'Team' }, wrongType: { name: null }, platform: true },
    { method: 'POST', path: `/v1/workspaces/${plane.workspaceId}/api-keys`, valid: { name: 'k', role: 'viewer' }, wrongType: { name: 'k', role: 3 } },
    { method: 'POST', path: '/v1/connectors/oauth/google_drive/callback', valid: { code: 'c', state: 's' }, wrongType: { code: 1, state: 's' } },
  ];

  it('answers malformed JSON, unknown fields, wrong types and oversize bodies with 4xx, writing nothing', async () => {
    const platformKey = await (await import('../support/api.ts')).createTestKey(plane.database.db, 'default');
    const before = await snapshot(plane);
    for (const route of routes()) {
      const key = route.platform ? platformKey : plane.key;
      const send = (options: { body?: unknown; rawBody?: string }) => call(plane.app, route.method, route.path, { key, ...options });

      const malformed = await send({ rawBody: '{"name": ' });
      expect(malformed.status, `${route.method} ${route.path} malformed`).toBe(400);
      expect(malformed.body.error.code).toBe('invalid_json');

      const unknown = await send({ body: { ...route.valid, surprise: true } });
      expect(unknown.status, `${route.method} ${route.path} unknown field`).toBe(400);
      expect(unknown.body.error.message).toContain('surprise');

      const wrong = await send({ body: route.wrongType });
      expect(wrong.status, `${route.method} ${route.path} wrong type`).toBe(400);
      expect(wrong.body.error.details.issues.length).toBeGreaterThan(0);

      const oversize = await send({ rawBody: JSON.stringify({ ...route.valid, padding: 'x'.repeat(1_100_000) }) });
      expect(oversize.status, `${route.method} ${route.path} oversize`).toBe(413);
      expect(oversize.body.error.code).toBe('payload_too_large');
    }
    expect(await snapshot(plane)).toEqual(before);
    const row = await plane.request('GET', `/v1/connectors/${connectorId}`);
    expect(row.body.data.name).toBe('Docs');
  });

  const missingFields: Array<[string, Record<string, unknown>, string[]]> = [
    ['jira', { projectKey: 'TECH' }, ['config', 'baseUrl']],
    ['confluence', { spaceKeys: ['ENG'] }, ['config', 'instanceUrl']],
    ['confluence', { instanceUrl: 'https://acme.atlassian.net/wiki' }, ['config']],
    ['google_drive', { rootFileId: 'https://example.com/not-drive' }, ['config', 'rootFileId']],
    ['impersonated_google_drive', { rootFileId: '1AbCdEfGhIjKlMnOp' }, ['config', 'targetAccount']],
    ['web_scraper', { extractionType: 'single' }, ['config', 'url']],
    ['sharepoint', { urls: [] }, ['config', 'urls']],
    ['onedrive', {}, ['config', 'urls']],
    ['s3', { region: 'us-east-1' }, ['config', 'bucket']],
    ['github', { repos: ['not a repo'] }, ['config', 'repos', '0']],
    ['slack', { dateRange: { from: '2025-01-01T00:00:00Z', to: '2024-01-01T00:00:00Z' } }, ['config', 'dateRange']],
    ['salesforce', { instanceUrl: 'https://acme.my.salesforce.com' }, ['config', 'objects']],
    ['postgresql', { host: 'db', database: 'wiki', idColumn: 'id' }, ['config', 'table']],
    ['postgresql', { host: 'db', database: 'wiki', table: 'pages; drop table x', idColumn: 'id' }, ['config', 'table']],
    ['upload', { directory: 'relative/path' }, ['config', 'directory']],
    ['upload', { directory: '/etc' }, ['config', 'directory']],
  ];

  it.each(missingFields)('%s with config %j is refused at %j', async (type, config, path) => {
    const before = await snapshot(plane);
    const response = await plane.request('POST', '/v1/connectors', { body: { name: 'x', type, config } });
    expect(response.status).toBe(400);
    expect(response.body.error.details.issues.map((issue: { path: string[] }) => issue.path)).toContainEqual(path);
    expect(await snapshot(plane)).toEqual(before);
  });

  it('refuses unknown ids and bad parameters on the other routes', async () => {
    const before = await snapshot(plane);
    const cases: Array<[string, string, number]> = [
      ['GET', '/v1/connectors/no-such-connector', 404],
      ['POST', '/v1/connectors/no-such-connector/pause', 404],
      ['POST', '/v1/connectors/no-such-connector/resume', 404],
      ['DELETE', '/v1/connectors/no-such-connector', 404],
      ['PUT', `/v1/connectors/${connectorId}/credential/cred_no_such`, 404],
      ['GET', '/v1/credentials/cred_no_such', 404],
      ['DELETE', '/v1/credentials/cred_no_such', 404],
      ['GET', '/v1/connectors/oauth/google_drive/authorize', 400],
      ['GET', `/v1/connectors/oauth/upload/authorize?connectorId=${connectorId}`, 400],
      ['GET', '/v1/connectors?limit=0', 400],
      ['GET', '/v1/credentials?cursor=%%%', 400],
    ];
    for (const [method, path, status] of cases) {
      const response = await plane.request(method, path);
      expect(response.status, `${method} ${path}`).toBe(status);
      expect(response.body.error.code).toBeTypeOf('string');
      expect(JSON.stringify(response.body)).not.toMatch(/\n\s+at /);
    }
    expect(await snapshot(plane)).toEqual(before);
  });
});
