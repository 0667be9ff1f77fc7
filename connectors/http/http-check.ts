import type { CheckResult, OpenedCredential } from '../connector-definition.ts';
import type { HttpFetch } from '../../net/guarded-fetch.ts';

/** The Authorization header a credential implies for a plain HTTPS API. */
export function authorizationHeader(credential: OpenedCredential | undefined): Record<string, string> {
  if (!credential) return {};
  const secret = credential.secret as Record<string, string | undefined>;
  switch (credential.kind) {
    case 'api_token': {
      // Atlassian Cloud takes the account e-mail and an API token as basic auth; others take a bearer token.
      const user = secret.email ?? secret.username;
      return user ? { authorization: `Basic ${Buffer.from(`${user}:${secret.token}`).toString('base64')}` } : { authorization: `Bearer ${secret.token}` };
    }
    case 'basic':
    case 'database_password':
      return { authorization: `Basic ${Buffer.from(`${secret.username}:${secret.password}`).toString('base64')}` };
    case 'oauth2':
      return secret.accessToken ? { authorization: `Bearer ${secret.accessToken}` } : {};
    default:
      return {};
  }
}

export interface HttpCheckRequest {
  service: string;
  url: string;
  headers?: Record<string, string>;
  method?: string;
  body?: string;
  /** For APIs that answer 200 with `{ ok: false, error }` (Slack). */
  bodyError?: (body: unknown) => string | undefined;
}

/** Sends the request that proves access and turns the answer into a check result with a readable reason. */
export async function httpCheck(fetch: HttpFetch, request: HttpCheckRequest): Promise<CheckResult> {
  let response;
  try {
    response = await fetch(request.url, {
      method: request.method ?? 'GET',
      headers: { accept: 'application/json', ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { ok: false, reason: `${request.service} could not be reached at ${whereOf(request.url)}: ${cause ?? (error as Error).message}` };
  }
  const text = await response.text();
  if (!response.ok) {
    const detail = text.slice(0, 200).replace(/\s+/g, ' ').trim();
    return { ok: false, reason: `${request.service} answered ${response.status} ${response.statusText}${detail ? `: ${detail}` : ''}` };
  }
  if (request.bodyError) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, reason: `${request.service} answered with a body that is not JSON` };
    }
    const error = request.bodyError(parsed);
    if (error) return { ok: false, reason: `${request.service} refused the credential: ${error}` };
  }
  return { ok: true };
}

/** The origin of an http(s) URL; only the scheme of any other, whose "origin" would read `null`. */
function whereOf(url: string): string {
  const parsed = new URL(url);
  return parsed.origin === 'null' ? parsed.protocol : parsed.origin;
}

/** Runs a check that needs a credential, or says that one is missing. */
export async function withCredential(
  service: string,
  credential: OpenedCredential | undefined,
  check: (credential: OpenedCredential) => Promise<CheckResult>,
): Promise<CheckResult> {
  return credential ? check(credential) : { ok: false, reason: `${service} needs a credential` };
}
