import * as oauth from 'oauth4webapi';
import { httpUrlSchema } from '../domain/http-url.ts';
import type { HttpFetch } from '../net/guarded-fetch.ts';

export interface OAuthEndpoints {
  authorizationUrl: string;
  tokenUrl: string;
}

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** ISO instant the access token expires, when the provider says. */
  expiresAt?: string;
  scope?: string;
  /** The API base the provider's token answer names (Salesforce's `instance_url`), when it does. */
  instanceUrl?: string;
}

export class OAuthExchangeError extends Error {
  override name = 'OAuthExchangeError';
}

/** PKCE (S256) values of one consent: the verifier stays on the server, the challenge goes in the URL. */
export async function newPkcePair(): Promise<{ verifier: string; challenge: string; state: string }> {
  const verifier = oauth.generateRandomCodeVerifier();
  return { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier), state: oauth.generateRandomState() };
}

export function authorizationUrl(input: {
  endpoints: OAuthEndpoints;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state: string;
  codeChallenge: string;
  extraParams?: Readonly<Record<string, string>>;
}): string {
  const url = new URL(input.endpoints.authorizationUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  if (input.scopes.length > 0) url.searchParams.set('scope', input.scopes.join(' '));
  url.searchParams.set('state', input.state);
  url.searchParams.set('code_challenge', input.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  for (const [name, value] of Object.entries(input.extraParams ?? {})) url.searchParams.set(name, value);
  return url.toString();
}

function server(endpoints: OAuthEndpoints): oauth.AuthorizationServer {
  return { issuer: new URL(endpoints.tokenUrl).origin, authorization_endpoint: endpoints.authorizationUrl, token_endpoint: endpoints.tokenUrl };
}

function requestOptions(endpoints: OAuthEndpoints, fetch: HttpFetch) {
  return {
    [oauth.customFetch]: fetch as unknown as typeof globalThis.fetch,
    // Plain http is only ever reached on hosts TRIBUTARY_ALLOWED_HOSTS admits, as the guarded fetch enforces.
    [oauth.allowInsecureRequests]: new URL(endpoints.tokenUrl).protocol === 'http:',
  };
}

/** Slack's rotated tokens say `token_type: bot` (or `user`); they are sent as bearer tokens all the same. */
const tokenResponseOptions: oauth.ProcessTokenResponseOptions = { recognizedTokenTypes: { bot: () => undefined, user: () => undefined } };

function toTokenSet(response: oauth.TokenEndpointResponse, now: Date, previousRefreshToken?: string): TokenSet {
  const refreshToken = response.refresh_token ?? previousRefreshToken;
  return {
    accessToken: response.access_token,
    ...(refreshToken ? { refreshToken } : {}),
    ...(response.expires_in ? { expiresAt: new Date(now.getTime() + response.expires_in * 1000).toISOString() } : {}),
    ...(response.scope ? { scope: response.scope } : {}),
    ...instanceUrlOf(response),
  };
}

/** Salesforce names the org's API host in every token answer; requests must go there, not to the login host. */
function instanceUrlOf(response: oauth.TokenEndpointResponse): { instanceUrl?: string } {
  const parsed = httpUrlSchema.safeParse(response.instance_url);
  return parsed.success ? { instanceUrl: parsed.data.replace(/\/+$/, '') } : {};
}

async function wrap<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const detail =
      error instanceof oauth.ResponseBodyError ? `${error.error}${error.error_description ? `: ${error.error_description}` : ''}` : (error as Error).message;
    throw new OAuthExchangeError(`${what} failed: ${detail}`);
  }
}

/** Exchanges an authorization code (with its PKCE verifier) for tokens. */
export async function exchangeCode(input: {
  endpoints: OAuthEndpoints;
  client: OAuthClientCredentials;
  code: string;
  state: string;
  redirectUri: string;
  codeVerifier: string;
  fetch: HttpFetch;
  now: Date;
}): Promise<TokenSet> {
  return wrap('The authorization code exchange', async () => {
    const as = server(input.endpoints);
    const client = { client_id: input.client.clientId };
    const parameters = oauth.validateAuthResponse(as, client, new URLSearchParams({ code: input.code, state: input.state }), input.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretPost(input.client.clientSecret),
      parameters,
      input.redirectUri,
      input.codeVerifier,
      requestOptions(input.endpoints, input.fetch),
    );
    return toTokenSet(await oauth.processAuthorizationCodeResponse(as, client, response, tokenResponseOptions), input.now);
  });
}

export async function refreshTokens(input: {
  endpoints: OAuthEndpoints;
  client: OAuthClientCredentials;
  refreshToken: string;
  fetch: HttpFetch;
  now: Date;
}): Promise<TokenSet> {
  return wrap('The token refresh', async () => {
    const as = server(input.endpoints);
    const client = { client_id: input.client.clientId };
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      oauth.ClientSecretPost(input.client.clientSecret),
      input.refreshToken,
      requestOptions(input.endpoints, input.fetch),
    );
    return toTokenSet(await oauth.processRefreshTokenResponse(as, client, response, tokenResponseOptions), input.now, input.refreshToken);
  });
}
