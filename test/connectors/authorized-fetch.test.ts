import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import type { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifySourceError } from '../../activities/connector-source.ts';
import { failureTypes } from '../../activities/failures.ts';
import type { OpenedCredential } from '../../connectors/connector-definition.ts';
import { authorizedFetch, type RefreshCredential } from '../../connectors/http/authorized-fetch.ts';
import type { Connector } from '../../domain/connector.ts';
import { AddressPolicy } from '../../net/address-policy.ts';
import { createGuardedFetch } from '../../net/guarded-fetch.ts';
import { OAuthExchangeError } from '../../oauth/client.ts';
import { openFreshCredential, type FreshCredentialDependencies } from '../../oauth/fresh-credential.ts';
import { createSecretCipher } from '../../secrets/cipher.ts';
import { call, createTestApp, createTestKey, testSecretKey, type TestApp } from '../support/api.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { sendJson, startLocalServer, type LocalServer } from '../support/http-server.ts';
import { connectTestClient } from '../support/temporal.ts';
import { startOAuthProvider } from '../support/oauth-provider.ts';

const fetch = createGuardedFetch(new AddressPolicy(['127.0.0.0/8']));

describe.each(dialects)('a source request whose credential the provider refuses, on %s', (dialect) => {
  let database: TestDatabase;
  let client: Client;
  let app: TestApp;
  let key: string;
  let deps: FreshCredentialDependencies;
  let provider: OAuth2Server;
  let drive: LocalServer;
  const validTokens = new Set<string>();
  const revokedRefreshTokens = new Set<string>();
  const refreshGrants: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    client = await connectTestClient();
    app = createTestApp({ db: database.db, client, taskQueue: `unused-${randomUUID()}` });
    key = await createTestKey(database.db, `ws-${randomUUID().slice(0, 8)}`);
    deps = { db: database.db, cipher: createSecretCipher(testSecretKey), fetch, now: () => new Date() };
    provider = await startOAuthProvider();
    provider.service.on('beforeResponse', (response: { body: Record<string, unknown>; statusCode: number }, request: { body: Record<string, string> }) => {
      if (request.body.grant_type !== 'refresh_token') return;
      refreshGrants.push(request.body.refresh_token ?? '');
      if (revokedRefreshTokens.has(request.body.refresh_token ?? '')) {
        response.statusCode = 400;
        response.body = { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };
        return;
      }
      validTokens.add(response.body.access_token as string);
    });
    // Google Drive: answers only bearer tokens the provider issued; /forbidden knows the token but refuses the file.
    drive = await startLocalServer((request, response) => {
      const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      if (request.path === '/forbidden') return sendJson(response, 403, { error: { code: 403, message: 'The user does not have access' } });
      if (request.path === '/revoked-app' || !validTokens.has(token)) return sendJson(response, 401, { error: { code: 401, message: 'Invalid Credentials' } });
      sendJson(response, 200, { id: '1AbCdEfGhIjKlMnOp', name: 'Handbook', body: request.body });
    });
  });
  afterAll(async () => {
    await provider?.stop();
    await drive?.close();
    await client?.connection.close();
    await database?.drop();
  });

  /** A sealed OAuth credential, stored through the API, whose access token the provider no longer accepts though it has not reached its expiry. */
  async function storeExpiredCredential(refreshToken: string): Promise<{ id: string; credential: OpenedCredential; refresh: RefreshCredential }> {
    const issuer = provider.issuer.url as string;
    const created = await call(app, 'POST', '/v1/credentials', {
      key,
      body: {
        name: 'Drive',
        type: 'google_drive',
        kind: 'oauth2',
        secret: {
          clientId: 'tributary',
          clientSecret: 'client-secret-value',
          accessToken: `revoked-${randomUUID()}`,
          refreshToken,
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
          authorizationUrl: `${issuer}/authorize`,
          tokenUrl: `${issuer}/token`,
        },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    const credential = await openFreshCredential(deps, id);
    // The same port the sync activity puts in the source's ReadContext.
    const refresh: RefreshCredential = (refused) => openFreshCredential(deps, id, { refused });
    return { id, credential: credential!, refresh };
  }

  const refreshesOf = (refreshToken: string) => refreshGrants.filter((grant) => grant === refreshToken).length;

  it('refreshes the token once on a 401 and repeats the request with the new one', async () => {
    const refreshToken = `refresh-${randomUUID()}`;
    const { id, credential, refresh } = await storeExpiredCredential(refreshToken);
    const sourceFetch = authorizedFetch(fetch, credential, refresh);

    const response = await sourceFetch(`${drive.url}/files/1AbCdEfGhIjKlMnOp`, { method: 'POST', body: '{"fields":"id,name"}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: 'Handbook', body: '{"fields":"id,name"}' });
    expect(refreshesOf(refreshToken)).toBe(1);
    const stored = (await openFreshCredential(deps, id))?.secret as { accessToken: string };
    expect(validTokens.has(stored.accessToken)).toBe(true);
    const sent = drive.requests.slice(-2).map((request) => request.headers.authorization);
    expect(sent).toEqual([`Bearer ${(credential.secret as { accessToken: string }).accessToken}`, `Bearer ${stored.accessToken}`]);

    // Later requests go out with the refreshed token straight away.
    expect((await sourceFetch(`${drive.url}/files/1AbCdEfGhIjKlMnOp`)).status).toBe(200);
    expect(refreshesOf(refreshToken)).toBe(1);
  });

  it('refreshes once for concurrent 401s of separate readers, under the credential lock', async () => {
    const refreshToken = `refresh-${randomUUID()}`;
    const { credential, refresh } = await storeExpiredCredential(refreshToken);
    const responses = await Promise.all(Array.from({ length: 5 }, () => authorizedFetch(fetch, credential, refresh)(`${drive.url}/files/1AbCdEfGhIjKlMnOp`)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(refreshesOf(refreshToken)).toBe(1);
  });

  it('hands back a 401 that persists after the refresh, and a 403, without asking again', async () => {
    const refreshToken = `refresh-${randomUUID()}`;
    const { credential, refresh } = await storeExpiredCredential(refreshToken);
    const sourceFetch = authorizedFetch(fetch, credential, refresh);
    const before = drive.requests.length;

    expect((await sourceFetch(`${drive.url}/revoked-app`)).status).toBe(401);
    expect(drive.requests.length - before).toBe(2);
    expect(refreshesOf(refreshToken)).toBe(1);

    expect((await sourceFetch(`${drive.url}/forbidden`)).status).toBe(403);
    expect(drive.requests.length - before).toBe(3);
    expect(refreshesOf(refreshToken)).toBe(1);
  });

  it('fails with the provider’s reason, as a refused credential, when the provider refuses the refresh', async () => {
    const refreshToken = `refresh-${randomUUID()}`;
    revokedRefreshTokens.add(refreshToken);
    const { id, credential, refresh } = await storeExpiredCredential(refreshToken);

    const error = await authorizedFetch(fetch, credential, refresh)(`${drive.url}/files/1AbCdEfGhIjKlMnOp`).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OAuthExchangeError);
    expect(refreshesOf(refreshToken)).toBe(1);
    const failure = classifySourceError(error, driveConnector(id));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: failureTypes.credentialRefused,
      nonRetryable: true,
      message: 'The token refresh failed: invalid_grant: Token has been expired or revoked.',
    });
  });
});

function driveConnector(credentialId: string): Connector {
  const now = new Date().toISOString();
  return {
    id: 'drive-handbook',
    workspaceId: 'ws-test',
    name: 'Handbook',
    description: null,
    type: 'google_drive',
    collection: 'handbook',
    config: { rootFileId: '1AbCdEfGhIjKlMnOp' },
    metadata: {},
    schedule: { type: 'interval', everySeconds: 3600 },
    pruneSchedule: null,
    credentialId,
    state: 'connected',
    stateReason: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}
