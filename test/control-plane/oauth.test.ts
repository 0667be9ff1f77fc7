import type { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../net/address-policy.ts';
import { createGuardedFetch } from '../../net/guarded-fetch.ts';
import { findCredentialRow } from '../../db/repositories/credentials.ts';
import { openFreshCredential } from '../../oauth/fresh-credential.ts';
import { createSecretCipher } from '../../secrets/cipher.ts';
import { openCredentialRow } from '../../secrets/credential-seal.ts';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { call, testSecretKey } from '../support/api.ts';
import { dialects } from '../support/databases.ts';
import { startControlPlane, uniqueId, type ControlPlane } from '../support/control-plane.ts';
import { sendJson, startLocalServer, type LocalServer } from '../support/http-server.ts';
import { startOAuthProvider } from '../support/oauth-provider.ts';

const cipher = createSecretCipher(testSecretKey);

describe.each(dialects)('OAuth2 consent and token refresh on %s', (dialect) => {
  let plane: ControlPlane;
  let provider: OAuth2Server;
  let drive: LocalServer;
  const validTokens = new Set<string>();
  const grants: string[] = [];

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    provider = await startOAuthProvider();
    provider.service.on('beforeResponse', (response: { body: Record<string, unknown> }, request: { body: Record<string, string> }) => {
      grants.push(request.body.grant_type ?? '');
      if (typeof response.body.access_token === 'string') validTokens.add(response.body.access_token);
    });
    // Google Drive's files.get: a bearer token the provider issued and that has not expired.
    drive = await startLocalServer((request, response) => {
      const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!validTokens.has(token)) return sendJson(response, 401, { error: { code: 401, message: 'Invalid Credentials' } });
      sendJson(response, 200, { id: '1AbCdEfGhIjKlMnOp', name: 'Handbook' });
    });
  });
  afterAll(async () => {
    await plane?.close();
    await provider?.stop();
    await drive?.close();
  });

  async function createDriveConnector() {
    const id = uniqueId('drive');
    const issuer = provider.issuer.url as string;
    const response = await plane.request('PUT', `/v1/connectors/${id}`, {
      body: {
        name: 'Handbook',
        type: 'google_drive',
        config: { rootFileId: 'https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp', apiUrl: drive.url },
        credentials: {
          kind: 'oauth2',
          clientId: 'tributary',
          clientSecret: 'client-secret-value',
          authorizationUrl: `${issuer}/authorize`,
          tokenUrl: `${issuer}/token`,
        },
        schedule: { type: 'interval', everySeconds: 3600 },
      },
    });
    expect(response.status).toBe(201);
    return response.body.data;
  }

  async function consent(connectorId: string): Promise<{ code: string; state: string; authUrl: URL }> {
    const authorize = await plane.request('GET', `/v1/connectors/oauth/google_drive/authorize?connectorId=${connectorId}`);
    expect(authorize.status).toBe(200);
    const authUrl = new URL(authorize.body.data.authUrl);
    const redirect = await fetch(authUrl, { redirect: 'manual' });
    const location = new URL(redirect.headers.get('location') ?? '');
    return { code: location.searchParams.get('code') ?? '', state: location.searchParams.get('state') ?? '', authUrl };
  }

  async function storedSecret(credentialId: string) {
    const row = await findCredentialRow(plane.database.db, credentialId);
    return openCredentialRow(cipher, row!).secret as Record<string, string>;
  }

  it('connects an OAuth connector through authorize and callback, with state and PKCE', async () => {
    const connector = await createDriveConnector();
    expect(connector).toMatchObject({ state: 'auth_required', stateReason: 'Waiting for OAuth consent', config: { rootFileId: '1AbCdEfGhIjKlMnOp' } });
    expect(connector.authRequest).toEqual({
      authorizationEndpoint: `http://127.0.0.1:8080/v1/connectors/oauth/google_drive/authorize?connectorId=${connector.id}`,
      type: 'code',
    });
    expect((await plane.client.schedule.getHandle(workflowIds.connectorSchedule(connector.id)).describe()).state.paused).toBe(true);

    const { code, state, authUrl } = await consent(connector.id);
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authUrl.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authUrl.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:8080/v1/connectors/oauth/google_drive/callback');
    expect(authUrl.searchParams.get('access_type')).toBe('offline');
    expect(authUrl.searchParams.get('client_id')).toBe('tributary');
    expect(code).not.toBe('');

    // The provider's redirect carries no API key: the single-use state authorizes it.
    const callback = await call(plane.app, 'POST', '/v1/connectors/oauth/google_drive/callback', { body: { code, state } });
    expect(callback.status).toBe(200);
    expect(callback.body.data).toMatchObject({ id: connector.id, state: 'connected' });
    expect(callback.body.data.authRequest).toBeUndefined();
    expect(JSON.stringify(callback.body)).not.toMatch(/client-secret-value|access_token/);

    const secret = await storedSecret(connector.credentialId);
    expect(validTokens.has(secret.accessToken ?? '')).toBe(true);
    expect(secret.refreshToken).toBeTruthy();
    expect(Date.parse(secret.expiresAt ?? '')).toBeGreaterThan(Date.now());
    expect((await plane.client.schedule.getHandle(workflowIds.connectorSchedule(connector.id)).describe()).state.paused).toBe(false);

    const replay = await call(plane.app, 'POST', '/v1/connectors/oauth/google_drive/callback', { body: { code, state } });
    expect(replay.status).toBe(400);
    expect(replay.body.error.message).toContain('Unknown, used or expired OAuth state');
  });

  it('fills an OAuth client credential before any connector exists, ready for credentialId on create', async () => {
    const issuer = provider.issuer.url as string;
    const client = await plane.request('POST', '/v1/credentials', {
      body: {
        name: 'Drive app',
        type: 'google_drive',
        kind: 'oauth2',
        secret: { clientId: 'tributary', clientSecret: 'client-secret-value', authorizationUrl: `${issuer}/authorize`, tokenUrl: `${issuer}/token` },
      },
    });
    expect(client.status).toBe(201);
    const credentialId: string = client.body.data.id;

    const authorize = await plane.request('GET', `/v1/connectors/oauth/google_drive/authorize?credentialId=${credentialId}`);
    expect(authorize.status, JSON.stringify(authorize.body)).toBe(200);
    const redirect = await fetch(new URL(authorize.body.data.authUrl), { redirect: 'manual' });
    const location = new URL(redirect.headers.get('location') ?? '');
    const callback = await call(plane.app, 'POST', '/v1/connectors/oauth/google_drive/callback', {
      body: { code: location.searchParams.get('code'), state: location.searchParams.get('state') },
    });
    expect(callback.status, JSON.stringify(callback.body)).toBe(200);
    expect(callback.body.data).toMatchObject({ id: credentialId, type: 'google_drive', kind: 'oauth2' });
    expect(JSON.stringify(callback.body)).not.toMatch(/client-secret-value|access_token/);
    expect(validTokens.has((await storedSecret(credentialId)).accessToken ?? '')).toBe(true);

    // The filled credential connects a connector at once: no consent is left to give.
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Handbook', type: 'google_drive', config: { rootFileId: '1AbCdEfGhIjKlMnOp', apiUrl: drive.url }, credentialId },
    });
    expect(created.body.data, JSON.stringify(created.body)).toMatchObject({ state: 'connected', credentialId });

    // Neither or both of connectorId and credentialId, another type's credential, or another workspace's: refused.
    expect((await plane.request('GET', '/v1/connectors/oauth/google_drive/authorize')).status).toBe(400);
    expect((await plane.request('GET', `/v1/connectors/oauth/google_drive/authorize?credentialId=${credentialId}&connectorId=x`)).status).toBe(400);
    const wrongType = await plane.request('GET', `/v1/connectors/oauth/notion/authorize?credentialId=${credentialId}`);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toContain('is for google_drive, not notion');
    expect((await plane.request('GET', '/v1/connectors/oauth/google_drive/authorize?credentialId=cred_missing')).status).toBe(404);
  });

  it('completes consent from the browser redirect too, and refuses what the provider refused', async () => {
    const connector = await createDriveConnector();
    const { code, state } = await consent(connector.id);
    const redirect = await call(
      plane.app,
      'GET',
      `/v1/connectors/oauth/google_drive/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`,
    );
    expect(redirect.status).toBe(200);
    expect(redirect.body.data.state).toBe('connected');

    const denied = await call(plane.app, 'GET', '/v1/connectors/oauth/google_drive/callback?error=access_denied&state=whatever');
    expect(denied.status).toBe(400);
    expect(denied.body.error.message).toContain('access_denied');
    const forged = await call(plane.app, 'POST', '/v1/connectors/oauth/google_drive/callback', { body: { code: 'x', state: 'forged-state' } });
    expect(forged.status).toBe(400);
    const wrongType = await plane.request('GET', `/v1/connectors/oauth/notion/authorize?connectorId=${connector.id}`);
    expect(wrongType.status).toBe(400);
  });

  it('refreshes an expired access token before using it, once even when asked concurrently', async () => {
    const connector = await createDriveConnector();
    const { code, state } = await consent(connector.id);
    await call(plane.app, 'POST', '/v1/connectors/oauth/google_drive/callback', { body: { code, state } });
    const before = await storedSecret(connector.credentialId);

    // The access token has expired at the provider and by its own clock.
    validTokens.delete(before.accessToken ?? '');
    const expired = { ...before, expiresAt: new Date(Date.now() - 60_000).toISOString() };
    expect((await plane.request('PATCH', `/v1/credentials/${connector.credentialId}`, { body: { secret: expired } })).status).toBe(200);

    const refreshesBefore = grants.filter((grant) => grant === 'refresh_token').length;
    const deps = { db: plane.database.db, cipher, fetch: createGuardedFetch(new AddressPolicy(['127.0.0.0/8'])), now: () => new Date() };
    const opened = await Promise.all(Array.from({ length: 5 }, () => openFreshCredential(deps, connector.credentialId)));
    expect(grants.filter((grant) => grant === 'refresh_token').length - refreshesBefore).toBe(1);
    const tokens = new Set(opened.map((credential) => (credential?.secret as { accessToken: string } | undefined)?.accessToken));
    expect(tokens.size).toBe(1);
    const after = await storedSecret(connector.credentialId);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(tokens.has(after.accessToken ?? '')).toBe(true);
    expect(Date.parse(after.expiresAt ?? '')).toBeGreaterThan(Date.now());

    // The binding check uses the refreshed token against the source.
    validTokens.delete(after.accessToken ?? '');
    await plane.request('PATCH', `/v1/credentials/${connector.credentialId}`, {
      body: { secret: { ...after, expiresAt: new Date(Date.now() - 1000).toISOString() } },
    });
    const rebound = await plane.request('PUT', `/v1/connectors/${connector.id}/credential/${connector.credentialId}`);
    expect(rebound.status).toBe(200);
    expect((await storedSecret(connector.credentialId)).accessToken).not.toBe(after.accessToken);
  });
  it('refreshes a token that expires within the minute on use, and keeps one that has ten minutes left', async () => {
    const connector = await createDriveConnector();
    const { code, state } = await consent(connector.id);
    await call(plane.app, 'POST', '/v1/connectors/oauth/google_drive/callback', { body: { code, state } });
    const deps = { db: plane.database.db, cipher, fetch: createGuardedFetch(new AddressPolicy(['127.0.0.0/8'])), now: () => new Date() };
    const refreshes = () => grants.filter((grant) => grant === 'refresh_token').length;

    // Still valid at the provider, but inside the one-minute margin.
    const soon: Record<string, string> = { ...(await storedSecret(connector.credentialId)), expiresAt: new Date(Date.now() + 30_000).toISOString() };
    expect((await plane.request('PATCH', `/v1/credentials/${connector.credentialId}`, { body: { secret: soon } })).status).toBe(200);
    const refreshesBefore = refreshes();
    const refreshed = (await openFreshCredential(deps, connector.credentialId))?.secret as { accessToken: string; expiresAt: string };
    expect(refreshes() - refreshesBefore).toBe(1);
    expect(refreshed.accessToken).not.toBe(soon.accessToken);
    expect(Date.parse(refreshed.expiresAt)).toBeGreaterThan(Date.parse(soon.expiresAt ?? ''));
    expect((await storedSecret(connector.credentialId)).accessToken).toBe(refreshed.accessToken);

    // Ten minutes left: used as it is.
    const later: Record<string, string> = { ...(await storedSecret(connector.credentialId)), expiresAt: new Date(Date.now() + 10 * 60_000).toISOString() };
    expect((await plane.request('PATCH', `/v1/credentials/${connector.credentialId}`, { body: { secret: later } })).status).toBe(200);
    const kept = (await openFreshCredential(deps, connector.credentialId))?.secret as { accessToken: string; expiresAt: string };
    expect(refreshes() - refreshesBefore).toBe(1);
    expect(kept).toMatchObject({ accessToken: later.accessToken, expiresAt: later.expiresAt });
  });
});
