import { createHash, createSign } from 'node:crypto';
import { z } from 'zod';
import type { HttpFetch } from '../../net/guarded-fetch.ts';
import { OAuthExchangeError } from '../../oauth/client.ts';
import type { OpenedCredential } from '../connector-definition.ts';
import { googleOAuth } from '../google_drive/index.ts';
import { SourceHttpError } from '../http/source-errors.ts';

/** A service account's key, as the `service_account` credential holds it. */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
}

/** Renew this long before expiry, so a token never lapses in the middle of a request. */
const RENEW_MARGIN_MS = 60_000;
/** Google's delegated tokens live an hour; an answer without `expires_in` is taken to say so. */
const DEFAULT_LIFETIME_SECONDS = 3600;

const tokenAnswerSchema = z.object({ access_token: z.string(), expires_in: z.number().optional() });
const tokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** The signed JWT bearer assertion of RFC 7523 that Google exchanges for a token acting as `subject`. */
function delegationAssertion(key: ServiceAccountKey, subject: string, tokenUrl: string, now: Date): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const issuedAt = Math.floor(now.getTime() / 1000);
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({
    iss: key.clientEmail,
    sub: subject,
    scope: googleOAuth.scopes.join(' '),
    aud: tokenUrl,
    iat: issuedAt,
    exp: issuedAt + 3600,
  })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(key.privateKey).toString('base64url');
  return `${unsigned}.${signature}`;
}

/**
 * The form body of a delegated token request; throws `OAuthExchangeError` for a private key that
 * cannot sign.
 */
export function delegationRequestBody(key: ServiceAccountKey, subject: string, tokenUrl: string, now: Date): string {
  let assertion: string;
  try {
    assertion = delegationAssertion(key, subject, tokenUrl, now);
  } catch {
    throw new OAuthExchangeError('The service account private key is not a valid PEM RSA key');
  }
  return new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString();
}

export interface DelegatedAccess {
  /** The delegated token as an `oauth2` credential for `authorizedFetch`, obtained again shortly before it expires. */
  current(): Promise<OpenedCredential>;
  /** A new token in place of one the API refused, unless another request has already replaced it. */
  renew(refused: OpenedCredential): Promise<OpenedCredential>;
}

export interface DelegatedAccessOptions {
  /** Unauthorized (the token request carries the signed assertion instead), and retrying. */
  fetch: HttpFetch;
  key: ServiceAccountKey;
  subject: string;
  tokenUrl: string;
  now?: () => Date;
}

interface HeldToken {
  credential: OpenedCredential;
  expiresAt: number;
}

/**
 * Tokens by service account key, subject and endpoint, kept in this process only: every page of a sync
 * opens its source anew, and Google asks clients to reuse a token until it expires.
 */
const heldTokens = new Map<string, HeldToken>();
const pendingTokens = new Map<string, Promise<OpenedCredential>>();

/**
 * Access tokens acting as a Workspace user through domain-wide delegation, from an RS256 JWT bearer
 * grant, shared by concurrent requests and by later pages. A token endpoint that refuses the grant (a
 * deleted key, revoked delegation) throws `OAuthExchangeError` with Google's reason.
 * @example
 * const access = delegatedAccess({ fetch: retryingFetch(context), key, subject: 'jane@example.com', tokenUrl });
 * const fetchAsJane = authorizedFetch(fetch, await access.current(), access.renew);
 */
export function delegatedAccess(options: DelegatedAccessOptions): DelegatedAccess {
  const now = options.now ?? (() => new Date());
  const account = createHash('sha256')
    .update(JSON.stringify([options.tokenUrl, options.key.clientEmail, options.subject, options.key.privateKey]))
    .digest('base64url');

  async function request(): Promise<OpenedCredential> {
    const at = now();
    const response = await options.fetch(options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: delegationRequestBody(options.key, options.subject, options.tokenUrl, at),
    });
    const text = await response.text();
    if (response.status >= 500) throw SourceHttpError.fromResponse(response, text, 'Google’s token endpoint');
    if (!response.ok) {
      const refusal = tokenErrorSchema.safeParse(safeJson(text));
      const reason = refusal.success
        ? `${refusal.data.error}${refusal.data.error_description ? `: ${refusal.data.error_description}` : ''}`
        : `HTTP ${response.status}`;
      throw new OAuthExchangeError(`Google refused a delegated token for ${options.subject}: ${reason}`);
    }
    const answer = tokenAnswerSchema.parse(safeJson(text));
    const credential: OpenedCredential = {
      kind: 'oauth2',
      secret: { clientId: options.key.clientEmail, clientSecret: '', accessToken: answer.access_token },
    };
    for (const [key, held] of heldTokens) if (held.expiresAt <= at.getTime()) heldTokens.delete(key);
    heldTokens.set(account, { credential, expiresAt: at.getTime() + (answer.expires_in ?? DEFAULT_LIFETIME_SECONDS) * 1000 });
    return credential;
  }

  function obtain(): Promise<OpenedCredential> {
    let pending = pendingTokens.get(account);
    if (!pending) {
      pending = request().finally(() => pendingTokens.delete(account));
      pendingTokens.set(account, pending);
    }
    return pending;
  }

  const accessTokenOf = (credential: OpenedCredential) => (credential.secret as { accessToken?: string }).accessToken;

  return {
    async current() {
      const held = heldTokens.get(account);
      if (!pendingTokens.has(account) && held && held.expiresAt - now().getTime() > RENEW_MARGIN_MS) return held.credential;
      return obtain();
    },
    async renew(refused) {
      const held = heldTokens.get(account);
      if (!pendingTokens.has(account) && held && accessTokenOf(held.credential) !== accessTokenOf(refused)) return held.credential;
      return obtain();
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
