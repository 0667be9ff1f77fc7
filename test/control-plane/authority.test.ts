import type { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCredentialRow, updateCredentialRow } from '../../db/repositories/credentials.ts';
import { createSecretCipher } from '../../secrets/cipher.ts';
import { openCredentialRow, sealCredentialSecret } from '../../secrets/credential-seal.ts';
import { call, createTestKey, testSecretKey } from '../support/api.ts';
import { dialects } from '../support/databases.ts';
import { startControlPlane, uniqueId, type ControlPlane } from '../support/control-plane.ts';
import { sendJson, startLocalServer, type LocalServer } from '../support/http-server.ts';
import { startOAuthProvider } from '../support/oauth-provider.ts';

const cipher = createSecretCipher(testSecretKey);
/** A token Google Drive takes without any consent: the one of the connector's other credential. */
const otherCredentialToken = 'token-of-the-other-credential';

describe.each(dialects)('who may connect what, and where sources may lead, on %s', (dialect) => {
  let plane: ControlPlane;
  let provider: OAuth2Server;
  let drive: LocalServer;
  let redirector: LocalServer;
  const issued = new Set<string>();

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    provider = await startOAuthProvider();
    provider.service.on('beforeResponse', (response: { body: Record<string, unknown> }) => {
      if (typeof response.body.access_token === 'string') issued.add(response.body.access_token);
    });
    drive = await startLocalServer((request, response) => {
      const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      if (token !== otherCredentialToken && !issued.has(token)) return sendJson(response, 401, { error: { code: 401, message: 'Invalid Credentials' } });
      sendJson(response, 200, { id: '1AbCdEfGhIjKlMnOp', name: 'Handbook' });
    });
    // A Jira whose every answer is a redirect to a data: URL, which would answer 200 with no server behind it.
    redirector = await startLocalServer((_request, response) => {
      response.writeHead(302, { location: 'data:application/json,{"accountId":"nobody"}' });
      response.end();
    });
  });
  afterAll(async () => {
    await plane?.close();
    await provider?.stop();
    await drive?.close();
    await redirector?.close();
  });

  async function createDriveConnector() {
    const issuer = provider.issuer.url as string;
    const response = await plane.request('PUT', `/v1/connectors/${uniqueId('drive')}`, {
      body: {
        name: 'Handbook',
        type: 'google_drive',
        config: { rootFileId: '1AbCdEfGhIjKlMnOp', apiUrl: drive.url },
        credentials: {
          kind: 'oauth2',
          clientId: 'tributary',
          clientSecret: 'client-secret-value',
          authorizationUrl: `${issuer}/authorize`,
          tokenUrl: `${issuer}/token`,
        },
      },
    });
    expect(response.status).toBe(201);
    return response.body.data as { id: string; credentialId: string };
  }

  /** Consent as far as the provider's redirect: the code and state the callback would carry. */
  async function consent(connectorId: string): Promise<{ code: string; state: string }> {
    const authorize = await plane.request('GET', `/v1/connectors/oauth/google_drive/authorize?connectorId=${connectorId}`);
    expect(authorize.status).toBe(200);
    const redirect = await fetch(authorize.body.data.authUrl, { redirect: 'manual' });
    const location = new URL(redirect.headers.get('location') ?? '');
    return { code: location.searchParams.get('code') ?? '', state: location.searchParams.get('state') ?? '' };
  }

  const callback = (type: string, body: { code: string; state: string }) => call(plane.app, 'POST', `/v1/connectors/oauth/${type}/callback`, { body });
  const storedSecret = async (credentialId: string) =>
    openCredentialRow(cipher, (await findCredentialRow(plane.database.db, credentialId))!).secret as Record<string, string>;
  const consentStates = async (connectorId: string) =>
    (await plane.database.db.selectFrom('oauth_states').select('state').where('connector_id', '=', connectorId).execute()).length;

  it('lets editors and admins start OAuth consent, not viewers', async () => {
    const connector = await createDriveConnector();
    const viewer = await createTestKey(plane.database.db, plane.workspaceId, 'viewer');
    const refused = await plane.request('GET', `/v1/connectors/oauth/google_drive/authorize?connectorId=${connector.id}`, { key: viewer });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden', message: 'This API key has the viewer role and cannot start OAuth consent' });
    expect(await consentStates(connector.id)).toBe(0);

    const editor = await createTestKey(plane.database.db, plane.workspaceId, 'editor');
    const started = await plane.request('GET', `/v1/connectors/oauth/google_drive/authorize?connectorId=${connector.id}`, { key: editor });
    expect(started.status).toBe(200);
    expect(await consentStates(connector.id)).toBe(1);
  });

  it('stores and binds nothing when the connector’s credential changed during consent', async () => {
    const connector = await createDriveConnector();
    const { code, state } = await consent(connector.id);
    const other = await plane.request('POST', '/v1/credentials', {
      body: {
        name: 'other',
        type: 'google_drive',
        kind: 'oauth2',
        secret: { clientId: 'other', clientSecret: 'other-secret', accessToken: otherCredentialToken },
      },
    });
    expect(other.status).toBe(201);
    expect((await plane.request('PUT', `/v1/connectors/${connector.id}/credential/${other.body.data.id}`)).status).toBe(200);
    const before = (await plane.request('GET', `/v1/connectors/${connector.id}`)).body.data;
    const otherSecret = await storedSecret(other.body.data.id);

    const completed = await callback('google_drive', { code, state });
    expect(completed.status).toBe(409);
    expect(completed.body.error).toMatchObject({
      code: 'conflict',
      message: `The credential of connector ${connector.id} changed during consent; start again from the authorize URL`,
    });
    expect((await storedSecret(connector.credentialId)).accessToken).toBeUndefined();
    expect(await storedSecret(other.body.data.id)).toEqual(otherSecret);
    expect((await plane.request('GET', `/v1/connectors/${connector.id}`)).body.data).toEqual(before);
  });

  it('spends a state on the first callback, whatever type its path names, and exchanges it once', async () => {
    const connector = await createDriveConnector();
    const { code, state } = await consent(connector.id);
    const wrongType = await callback('notion', { code, state });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toBe('The OAuth state does not belong to a connector of this type');
    const afterWrongType = await callback('google_drive', { code, state });
    expect(afterWrongType.status).toBe(400);
    expect(afterWrongType.body.error.message).toContain('Unknown, used or expired OAuth state');
    expect((await storedSecret(connector.credentialId)).accessToken).toBeUndefined();

    const second = await consent(connector.id);
    const raced = await Promise.all([callback('google_drive', second), callback('google_drive', second)]);
    expect(raced.map((response) => response.status).sort((a, b) => a - b)).toEqual([200, 400]);
  });

  it('refuses OAuth endpoints that are not http or https, and stores nothing', async () => {
    const before = await plane.database.db.selectFrom('credentials').select('id').execute();
    const secret = { clientId: 'tributary', clientSecret: 'client-secret-value' };
    const endpoints = [
      ['authorizationUrl', 'javascript:alert(document.cookie)'],
      ['authorizationUrl', 'data:text/html,<script>alert(1)</script>'],
      ['tokenUrl', 'data:application/json,{"access_token":"forged"}'],
      ['tokenUrl', 'file:///etc/passwd'],
    ] as const;
    for (const [field, url] of endpoints) {
      const created = await plane.request('POST', '/v1/credentials', {
        body: { name: 'x', type: 'google_drive', kind: 'oauth2', secret: { ...secret, [field]: url } },
      });
      expect(created.status, url).toBe(400);
      expect(created.body.error.code).toBe('invalid_request');
      expect(created.body.error.details.issues).toContainEqual(expect.objectContaining({ path: ['secret', field], message: 'must be an http or https URL' }));
      const inline = await plane.request('POST', '/v1/connectors', {
        body: { name: 'x', type: 'google_drive', config: { rootFileId: '1AbCdEfGhIjKlMnOp' }, credentials: { kind: 'oauth2', ...secret, [field]: url } },
      });
      expect(inline.status, url).toBe(400);
      expect(inline.body.error.details.issues).toContainEqual(expect.objectContaining({ path: ['credentials', field] }));
    }
    expect(await plane.database.db.selectFrom('credentials').select('id').execute()).toHaveLength(before.length);
  });

  it('hands out no consent URL from a javascript: endpoint stored before endpoints were validated', async () => {
    const connector = await createDriveConnector();
    const secret = await storedSecret(connector.credentialId);
    const sealed = sealCredentialSecret(cipher, { ...secret, authorizationUrl: 'javascript:alert(document.cookie)' } as never);
    await updateCredentialRow(plane.database.db, connector.credentialId, { ...sealed, updated_at: new Date().toISOString() });
    const refused = await plane.request('GET', `/v1/connectors/oauth/google_drive/authorize?connectorId=${connector.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe('No usable OAuth2 endpoints (http or https) are known for google_drive');
    expect(JSON.stringify(refused.body)).not.toContain('javascript:');
    expect(await consentStates(connector.id)).toBe(0);
  });

  it('fails the check of a source that redirects to a data: URL, with the reason, and binds nothing', async () => {
    const id = uniqueId('jira');
    const created = await plane.request('PUT', `/v1/connectors/${id}`, { body: { name: 'Tickets', type: 'jira', config: { baseUrl: redirector.url } } });
    expect(created.status).toBe(201);
    const credential = await plane.request('POST', '/v1/credentials', {
      body: { name: 'jira', type: 'jira', kind: 'api_token', secret: { token: 'jira-token-1234', email: 'jane@example.com' } },
    });
    const before = (await plane.request('GET', `/v1/connectors/${id}`)).body.data;
    const bound = await plane.request('PUT', `/v1/connectors/${id}/credential/${credential.body.data.id}`);
    expect(bound.status).toBe(422);
    expect(bound.body.error).toMatchObject({
      code: 'credential_check_failed',
      message: expect.stringContaining(
        `Jira could not be reached at ${redirector.url}: Refused a redirect to a data: URL; only http and https URLs are fetched`,
      ),
    });
    expect((await plane.request('GET', `/v1/connectors/${id}`)).body.data).toEqual(before);

    const dataConfig = await plane.request('PUT', `/v1/connectors/${uniqueId('jira')}`, {
      body: { name: 'Tickets', type: 'jira', config: { baseUrl: 'data:application/json,{}' } },
    });
    expect(dataConfig.status).toBe(400);
    expect(dataConfig.body.error.details.issues).toContainEqual(
      expect.objectContaining({ path: ['config', 'baseUrl'], message: 'must be an http or https URL' }),
    );
  });
});
