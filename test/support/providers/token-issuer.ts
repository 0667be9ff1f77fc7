import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { RecordedRequest } from '../http-server.ts';
import { sendJson } from '../http-server.ts';

/** How a provider server judges the credential of one request; each maps `expired` and `revoked` to its own error body. */
export type TokenVerdict = 'valid' | 'expired' | 'revoked' | 'unknown';

export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
}

export interface TokenIssuer {
  /** A long-lived API token (GitHub PAT, Atlassian API token, Slack bot token, Notion integration secret). */
  readonly apiToken: string;
  /** The account e-mail Atlassian pairs with an API token in basic auth. */
  readonly email: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** A new access and refresh token pair, as a finished consent leaves them. */
  grant(): OAuthTokens;
  /** The verdict on a request's `Authorization` header: a bearer token, or basic auth with the API token as password. */
  check(authorization: string | undefined): TokenVerdict;
  /** After `requests` more accepted requests, every access token issued so far expires (answers `expired`). */
  expireAccessTokensAfter(requests: number): void;
  /** Every token, refresh tokens included, is refused from now on. */
  revokeAll(): void;
  /** Refresh grants answered with new tokens. */
  readonly refreshes: number;
  /**
   * Answers an RFC 6749 refresh-token grant (form-encoded; client credentials in the body or as basic
   * auth) with a rotated pair, or 400 `invalid_grant`. `shape` adds provider fields (Slack's `ok: true`).
   */
  answerTokenRequest(request: RecordedRequest, response: ServerResponse, shape?: (body: Record<string, unknown>) => Record<string, unknown>): void;
}

const newToken = (prefix: string) => `${prefix}${randomBytes(18).toString('base64url')}`;

/**
 * The credentials of one local provider server: an API token, and OAuth2 access tokens that can be
 * made to expire mid-sync and refreshed through the provider's token endpoint.
 */
export function createTokenIssuer(prefix = 'tok_'): TokenIssuer {
  const apiToken = newToken(prefix);
  const accessTokens = new Map<string, 'valid' | 'expired'>();
  const refreshTokens = new Set<string>();
  const clientId = `client-${randomBytes(4).toString('hex')}`;
  const clientSecret = newToken('secret_');
  let revoked = false;
  let refreshes = 0;
  let expireAfter: number | null = null;

  function issue(): OAuthTokens {
    const tokens = { accessToken: newToken(prefix), refreshToken: newToken('refresh_') };
    accessTokens.set(tokens.accessToken, 'valid');
    refreshTokens.add(tokens.refreshToken);
    return tokens;
  }

  function presented(authorization: string | undefined): string | undefined {
    if (!authorization) return undefined;
    const [scheme = '', value = ''] = authorization.split(' ', 2);
    if (scheme.toLowerCase() === 'bearer') return value;
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      return decoded.slice(decoded.indexOf(':') + 1);
    }
    return undefined;
  }

  function countAccepted(): void {
    if (expireAfter === null) return;
    expireAfter -= 1;
    if (expireAfter > 0) return;
    expireAfter = null;
    for (const token of accessTokens.keys()) accessTokens.set(token, 'expired');
  }

  return {
    apiToken,
    email: 'sync-bot@example.com',
    clientId,
    clientSecret,
    grant: issue,
    check(authorization) {
      const token = presented(authorization);
      if (token === undefined) return 'unknown';
      if (token !== apiToken && !accessTokens.has(token)) return 'unknown';
      if (revoked) return 'revoked';
      if (accessTokens.get(token) === 'expired') return 'expired';
      if (accessTokens.has(token)) countAccepted();
      return 'valid';
    },
    expireAccessTokensAfter(requests) {
      expireAfter = requests;
    },
    revokeAll() {
      revoked = true;
    },
    get refreshes() {
      return refreshes;
    },
    answerTokenRequest(request, response, shape = (body) => body) {
      const form = new URLSearchParams(request.body);
      const basic = presentedClient(request.headers.authorization);
      const client = { id: form.get('client_id') ?? basic?.id, secret: form.get('client_secret') ?? basic?.secret };
      if (client.id !== clientId || client.secret !== clientSecret) {
        return sendJson(response, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
      }
      const refreshToken = form.get('refresh_token') ?? '';
      if (form.get('grant_type') !== 'refresh_token' || revoked || !refreshTokens.has(refreshToken)) {
        return sendJson(response, 400, { error: 'invalid_grant', error_description: 'The refresh token is invalid or has been revoked' });
      }
      refreshTokens.delete(refreshToken);
      refreshes += 1;
      const tokens = issue();
      sendJson(
        response,
        200,
        shape({ access_token: tokens.accessToken, token_type: 'Bearer', expires_in: 3600, refresh_token: tokens.refreshToken, scope: 'read' }),
      );
    },
  };
}

function presentedClient(authorization: string | undefined): { id: string; secret: string } | undefined {
  if (!authorization?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  return { id: decodeURIComponent(decoded.slice(0, at)), secret: decodeURIComponent(decoded.slice(at + 1)) };
}
