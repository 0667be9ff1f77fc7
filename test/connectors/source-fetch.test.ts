import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWithRetry } from '../../connectors/http/fetch-with-retry.ts';
import { sourceFetch } from '../../connectors/http/source-fetch.ts';
import { freePort } from '../../tools/ports.ts';
import { OAuthExchangeError, refreshTokens } from '../../oauth/client.ts';
import { startLocalServer, sendJson, type LocalServer } from '../support/http-server.ts';
import { createTokenIssuer, type TokenIssuer } from '../support/providers/token-issuer.ts';
import { directReadContext } from '../support/read-context.ts';

/** How a reader's requests retry and refresh: only network failures are tried again, beneath one token refresh. */
describe('a SaaS reader’s fetch', () => {
  let tokens: TokenIssuer;
  let provider: LocalServer;

  beforeAll(async () => {
    tokens = createTokenIssuer();
    provider = await startLocalServer((request, response) => {
      if (request.path === '/token') return tokens.answerTokenRequest(request, response);
      const verdict = tokens.check(request.headers.authorization);
      if (verdict !== 'valid') return sendJson(response, 401, { message: `token ${verdict}` });
      sendJson(response, 200, { ok: true });
    });
  });
  afterAll(async () => provider?.close());

  it('tries a network failure again, and stops at once on an error of ours', async () => {
    const context = directReadContext({});
    const closedPort = `http://127.0.0.1:${await freePort()}/`;
    let unreachableCalls = 0;
    const unreachable = await fetchWithRetry(
      async (url, init) => {
        unreachableCalls += 1;
        return context.fetch(url, init);
      },
      closedPort,
      {},
      { attempts: 3, baseDelayMs: 5 },
    ).catch((error: unknown) => error);
    expect(unreachable).toBeInstanceOf(TypeError);
    expect(unreachableCalls).toBe(3);

    let refusedCalls = 0;
    const refused = await fetchWithRetry(
      () => {
        refusedCalls += 1;
        throw new OAuthExchangeError('The token refresh failed: invalid_grant');
      },
      `${provider.url}/`,
      {},
      { attempts: 3, baseDelayMs: 5 },
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OAuthExchangeError);
    expect(refusedCalls).toBe(1);
  });

  it('fails at once with the provider’s reason when it refuses the refresh, asking its token endpoint once', async () => {
    const { accessToken, refreshToken } = tokens.grant();
    tokens.revokeAll();
    const secret = { clientId: tokens.clientId, clientSecret: tokens.clientSecret, accessToken, refreshToken, tokenUrl: `${provider.url}/token` };
    const context = directReadContext(
      {},
      {
        credential: { kind: 'oauth2', secret },
        refreshCredential: async () => {
          const fresh = await refreshTokens({
            endpoints: { authorizationUrl: `${provider.url}/authorize`, tokenUrl: secret.tokenUrl },
            client: { clientId: secret.clientId, clientSecret: secret.clientSecret },
            refreshToken,
            fetch: context.fetch,
            now: new Date(),
          });
          return { kind: 'oauth2', secret: { ...secret, ...fresh } };
        },
      },
    );
    const before = provider.requests.length;
    const failure = await sourceFetch(context)(`${provider.url}/items`).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OAuthExchangeError);
    expect((failure as Error).message).toContain('invalid_grant');
    expect(provider.requests.slice(before).filter((request) => request.path === '/token')).toHaveLength(1);
  });
});
