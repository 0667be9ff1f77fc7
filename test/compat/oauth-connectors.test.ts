import type { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetOf } from '../../api/compat/oauth-connectors/preset.ts';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { call, createTestKey } from '../support/api.ts';
import { eventually, startControlPlane, syncToEnd, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite, type FakeSite } from '../support/fake-site.ts';
import { startOAuthProvider } from '../support/oauth-provider.ts';
import { githubScenario, type SeededGithubProvider } from '../support/providers/github.ts';
import { rowChanges, snapshotRows } from '../support/row-snapshot.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('OAuth connectors API (seed 003) on sqlite', () => {
  let plane: ControlPlane;
  let github: SeededGithubProvider;
  let provider: OAuth2Server;
  let site: FakeSite;

  beforeAll(async () => {
    provider = await startOAuthProvider();
    const issuer = provider.issuer.url as string;
    // The server's own Notion client, as TRIBUTARY_OAUTH_NOTION_CLIENT_ID and _CLIENT_SECRET would give it.
    plane = await startControlPlane('sqlite', {
      oauthClients: {
        notion: {
          clientId: 'server-notion-client',
          clientSecret: 'server-notion-secret',
          authorizationUrl: `${issuer}/authorize`,
          tokenUrl: `${issuer}/token`,
        },
      },
    });
    github = await githubScenario.start();
    // The consent ends in tokens the local GitHub accepts, as github.com's own consent would.
    provider.service.on('beforeResponse', (response: { body: Record<string, unknown> }) => {
      if (typeof response.body.access_token !== 'string') return;
      const tokens = github.tokens.grant();
      response.body.access_token = tokens.accessToken;
      response.body.refresh_token = tokens.refreshToken;
    });
    site = await startFakeSite({ failingPages: false });
  });
  afterAll(async () => {
    await plane?.close();
    await github?.close();
    await provider?.stop();
    await site?.close();
  });

  const basic = (key: string, username = plane.workspaceId) => `Basic ${Buffer.from(`${username}:${key}`).toString('base64')}`;
  /** `call` with this API's Basic scheme; its own `key` option would send a bearer key instead. */
  const send = (
    method: string,
    path: string,
    { key = plane.key, headers, ...options }: { body?: unknown; rawBody?: string; key?: string; headers?: Record<string, string> } = {},
  ) => call(plane.app, method, path, { ...options, headers: { authorization: basic(key), ...headers } });
  /** A person's browser opening a link of this API: no API key, and the redirect is not followed. */
  const open = (link: string) => plane.app.request(new URL(link).pathname + new URL(link).search);

  it('creates a GitHub connector from the example request, connects it through the consent link, syncs and deletes it', async () => {
    const created = await send('POST', '/api/v1/connectors', {
      body: {
        url: 'https://github.com/acme/handbook',
        client_id: 'tributary',
        client_secret: 'client-secret-value',
        metadata: { owner: 'search-platform' },
        match_preset: true,
      },
    });
    expect(created.status).toBe(200);
    const connector = created.body;
    expect(connector).toEqual({
      id: expect.stringMatching(uuid),
      url: 'https://github.com/acme/handbook',
      state: 'auth_required',
      auth_request: {
        authorization_endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:8080\/api\/v1\/connectors\/[\w-]+\/authorize\?token=/),
        type: 'code',
      },
      disconnect_reason: 'Waiting for OAuth consent',
      metadata: { owner: 'search-platform' },
      created_at: expect.any(String),
      updated_at: expect.any(String),
      created_by: expect.stringMatching(/^key_/),
    });
    expect(JSON.stringify(connector)).not.toContain('client-secret-value');

    // The link leads a browser, without a key, to GitHub's consent page, with state and PKCE.
    const toGithub = await open(connector.auth_request.authorization_endpoint);
    expect(toGithub.status).toBe(302);
    const consentPage = new URL(toGithub.headers.get('location') ?? '');
    expect(consentPage.origin + consentPage.pathname).toBe('https://github.com/login/oauth/authorize');
    expect(consentPage.searchParams.get('client_id')).toBe('tributary');
    expect(consentPage.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:8080/v1/connectors/oauth/github/callback');
    expect(consentPage.searchParams.get('code_challenge_method')).toBe('S256');

    // `/v1` and Temporal see the same connector, its credential and its paused schedule.
    const v1 = (await plane.request('GET', `/v1/connectors/${connector.id}`)).body.data;
    expect(v1).toMatchObject({
      id: connector.id,
      type: 'github',
      state: 'auth_required',
      config: { repos: ['acme/handbook'] },
      metadata: { owner: 'search-platform' },
    });
    const schedule = plane.client.schedule.getHandle(workflowIds.connectorSchedule(connector.id));
    expect((await schedule.describe()).state.paused).toBe(true);

    // The test stands in local servers for github.com, through `/v1`: the API and the OAuth endpoints.
    expect((await plane.request('PATCH', `/v1/connectors/${connector.id}`, { body: { config: { apiUrl: github.url } } })).status).toBe(200);
    const issuer = provider.issuer.url as string;
    const endpoints = { clientId: 'tributary', clientSecret: 'client-secret-value', authorizationUrl: `${issuer}/authorize`, tokenUrl: `${issuer}/token` };
    expect((await plane.request('PATCH', `/v1/credentials/${v1.credentialId}`, { body: { secret: endpoints } })).status).toBe(200);

    const waiting = await send('GET', `/api/v1/connectors/${connector.id}`);
    expect(waiting.status).toBe(200);
    const link = waiting.body.auth_request.authorization_endpoint as string;
    const toProvider = await open(link);
    expect(toProvider.status).toBe(302);
    const consented = await fetch(toProvider.headers.get('location') ?? '', { redirect: 'manual' });
    const callback = new URL(consented.headers.get('location') ?? '');
    expect(callback.pathname).toBe('/v1/connectors/oauth/github/callback');
    const connected = await call(plane.app, 'GET', callback.pathname + callback.search);
    expect(connected.status).toBe(200);

    // Consent is spent: the link no longer leads anywhere.
    const spent = await open(link);
    expect(spent.status).toBe(410);
    expect(await spent.json()).toEqual({ detail: expect.stringContaining('used or has expired') });

    const after = await send('GET', `/api/v1/connectors/${connector.id}`);
    expect(after.body).toMatchObject({ id: connector.id, state: 'connected', auth_request: null, disconnect_reason: null });
    expect((await schedule.describe()).state.paused).toBe(false);

    const job = await syncToEnd(plane, connector.id, 'full');
    expect(job.status).toBe('succeeded');
    const jobs = await plane.request('GET', `/v1/connectors/${connector.id}/syncs`);
    expect(jobs.body.data.map((listed: { jobId: string }) => listed.jobId)).toContain(job.jobId);
    // The seeded repository's seven issues and pull requests, and its files (no path filter: all of them).
    expect(job.progress.indexed).toBeGreaterThanOrEqual(9);

    const listed = await send('GET', '/api/v1/connectors');
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((item: { id: string }) => item.id)).toContain(connector.id);

    expect((await send('DELETE', `/api/v1/connectors/${connector.id}`)).status).toBe(204);
    await eventually(async () => expect((await plane.request('GET', `/v1/connectors/${connector.id}`)).status).toBe(404));
    const gone = await send('GET', `/api/v1/connectors/${connector.id}`);
    expect(gone).toEqual({ status: 404, body: { detail: `Connector ${connector.id} not found` } });
    await expect(schedule.describe()).rejects.toThrow();
  }, 60_000);

  it('lends the server’s own OAuth client when client_id and client_secret are null', async () => {
    const created = await send('POST', '/api/v1/connectors', {
      body: { url: 'https://www.notion.so/acme/Handbook-0f4e6a1c2b3d4e5f8a9b0c1d2e3f4a5b', client_id: null, client_secret: null, match_preset: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toMatchObject({ state: 'auth_required' });
    const consent = await open(created.body.auth_request.authorization_endpoint);
    expect(consent.status).toBe(302);
    const authorize = new URL(consent.headers.get('location') ?? '');
    expect(authorize.searchParams.get('client_id')).toBe('server-notion-client');
    expect(JSON.stringify(created.body)).not.toContain('server-notion-secret');
    // A provider the server holds no client for still needs the caller's.
    const refused = await send('POST', '/api/v1/connectors', {
      body: { url: 'https://acme.slack.com/archives/C0123', client_id: null, client_secret: null, match_preset: true },
    });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('this server has no OAuth client of its own for slack');
  });

  it('crawls a site no preset knows, with no OAuth client and nothing to authorize', async () => {
    const created = await send('POST', '/api/v1/connectors', { body: { url: `${site.url}/`, client_id: null, client_secret: null, metadata: {} } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ url: `${site.url}/`, state: 'connected', auth_request: null, disconnect_reason: null, metadata: {} });
    const v1 = (await plane.request('GET', `/v1/connectors/${created.body.id}`)).body.data;
    expect(v1).toMatchObject({ type: 'web_scraper', config: { url: `${site.url}/`, extractionType: 'all' } });

    // A GitHub URL with match_preset false is a web crawl as well.
    const unmatched = await send('POST', '/api/v1/connectors', { body: { url: 'https://github.com/acme/handbook', match_preset: false } });
    expect(unmatched.status).toBe(200);
    expect((await plane.request('GET', `/v1/connectors/${unmatched.body.id}`)).body.data).toMatchObject({
      type: 'web_scraper',
      config: { url: 'https://github.com/acme/handbook', extractionType: 'all' },
    });
  });

  it('maps each known URL to its source type and config', () => {
    expect(presetOf(new URL('https://acme.atlassian.net/wiki/spaces/ENG/overview'))).toEqual({
      type: 'confluence',
      config: { instanceUrl: 'https://acme.atlassian.net/wiki', spaceKeys: ['ENG'] },
    });
    expect(presetOf(new URL('https://acme.atlassian.net/browse/TECH-12'))).toEqual({
      type: 'jira',
      config: { baseUrl: 'https://acme.atlassian.net', projectKey: 'TECH' },
    });
    expect(presetOf(new URL('https://acme.atlassian.net/jira/software/projects/OPS/boards/1')).config).toMatchObject({ projectKey: 'OPS' });
    expect(presetOf(new URL('https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp')).type).toBe('google_drive');
    expect(presetOf(new URL('https://docs.google.com/document/d/1AbCdEfGhIjKlMnOp/edit')).type).toBe('google_drive');
    expect(presetOf(new URL('https://contoso.sharepoint.com/sites/engineering')).type).toBe('sharepoint');
    expect(presetOf(new URL('https://contoso-my.sharepoint.com/personal/jane/Documents')).type).toBe('onedrive');
    expect(presetOf(new URL('https://onedrive.live.com/?id=root')).type).toBe('onedrive');
    expect(presetOf(new URL('https://www.notion.so/acme/Handbook-0123456789abcdef0123456789abcdef'))).toEqual({
      type: 'notion',
      config: { rootPageIds: ['0123456789abcdef0123456789abcdef'] },
    });
    expect(presetOf(new URL('https://acme.notion.site/')).type).toBe('notion');
    expect(presetOf(new URL('https://acme.slack.com/archives/C0123456789'))).toEqual({ type: 'slack', config: { channels: ['C0123456789'] } });
    expect(presetOf(new URL('https://acme.lightning.force.com/lightning/o/Case/list'))).toEqual({
      type: 'salesforce',
      config: { instanceUrl: 'https://acme.my.salesforce.com', objects: ['Case'] },
    });
    expect(presetOf(new URL('https://acme.my.salesforce.com/')).type).toBe('salesforce');
    expect(presetOf(new URL('https://docs.example.com/guide'))).toEqual({
      type: 'web_scraper',
      config: { url: 'https://docs.example.com/guide', extractionType: 'all' },
    });
  });

  it('refuses bad requests in FastAPI’s style and writes nothing', async () => {
    const viewer = await createTestKey(plane.database.db, plane.workspaceId, 'viewer');
    const example = { url: 'https://github.com/acme/handbook', client_id: 'tributary', client_secret: 'client-secret-value', metadata: {}, match_preset: true };
    const before = await snapshotRows(plane.database.db);

    const anonymous = await plane.app.request('/api/v1/connectors', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(example),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
    expect(await anonymous.json()).toEqual({ detail: expect.stringContaining('Authorization: Basic') });
    expect(await send('POST', '/api/v1/connectors', { body: example, key: 'not-a-key' })).toEqual({ status: 401, body: { detail: 'Invalid API key' } });
    expect(await send('POST', '/api/v1/connectors', { body: example, key: viewer })).toEqual({
      status: 403,
      body: { detail: 'This API key has the viewer role and cannot make changes' },
    });

    const cases: Array<[unknown, Array<string>, string]> = [
      [{ client_id: 'x' }, ['body', 'url'], ''],
      [{ ...example, url: 'ftp://example.com/file' }, ['body', 'url'], 'http or https'],
      [{ ...example, client_id: null, client_secret: null }, ['body', 'client_id'], 'no OAuth client of its own for github'],
      [{ ...example, client_secret: undefined }, ['body', 'client_secret'], 'send client_secret with client_id'],
      [{ ...example, url: 'https://github.com/acme' }, ['body', 'url'], 'must be owner/name'],
      [{ url: `${site.url}/`, client_id: 'x', client_secret: 'y' }, ['body', 'client_id'], 'web_scraper takes no OAuth client'],
      [{ ...example, metadata: Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v'])) }, ['body', 'metadata'], 'at most 16'],
      [{ ...example, match_preset: 'yes' }, ['body', 'match_preset'], ''],
      [{ ...example, name: 'extra' }, ['body'], 'name'],
    ];
    for (const [body, loc, message] of cases) {
      const refused = await send('POST', '/api/v1/connectors', { body });
      expect(refused.status, JSON.stringify(body)).toBe(422);
      expect(refused.body.detail[0], JSON.stringify(body)).toMatchObject({ loc, msg: expect.stringContaining(message) });
    }
    const malformed = await send('POST', '/api/v1/connectors', { rawBody: '{"url": ', headers: { 'content-type': 'application/json' } });
    expect(malformed).toEqual({ status: 422, body: { detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }] } });
    expect(rowChanges(before, await snapshotRows(plane.database.db))).toEqual([]);

    expect(await send('GET', '/api/v1/connectors/00000000-0000-4000-8000-000000000000')).toEqual({
      status: 404,
      body: { detail: 'Connector 00000000-0000-4000-8000-000000000000 not found' },
    });
    expect((await send('GET', '/api/v1/connectors?limit=0')).body.detail[0]).toMatchObject({ loc: ['query', 'limit'] });
    const forged = await open('http://127.0.0.1:8080/api/v1/connectors/some-id/authorize?token=forged');
    expect(forged.status).toBe(404);
    expect(await forged.json()).toEqual({ detail: 'Unknown authorization link' });
    expect((await send('GET', '/api/v1/nowhere')).status).toBe(404);
  });

  it('documents the API under its own tag', async () => {
    const document = (await call(plane.app, 'GET', '/openapi.json')).body;
    expect(document.paths['/api/v1/connectors'].post.tags).toEqual(['OAuth connectors API']);
    expect(document.paths['/api/v1/connectors/{id}/authorize'].get.tags).toEqual(['OAuth connectors API']);
    expect(document.components.securitySchemes.oauthConnectorsBasic).toMatchObject({ type: 'http', scheme: 'basic' });
  });
});
