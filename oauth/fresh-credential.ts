import { httpUrlSchema } from '../domain/http-url.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OpenedCredential } from '../connectors/connector-definition.ts';
import type { HttpFetch } from '../net/guarded-fetch.ts';
import { findConnectorDefinition } from '../connectors/registry.ts';
import type { Db } from '../db/database.ts';
import { findCredentialRow, tryLockCredentialRefresh, unlockCredentialRefresh, updateCredentialRow } from '../db/repositories/credentials.ts';
import type { CredentialRow } from '../db/schema.ts';
import type { CredentialSecret } from '../domain/credential.ts';
import type { SecretCipher } from '../secrets/cipher.ts';
import { openCredentialRow, sealCredentialSecret } from '../secrets/credential-seal.ts';
import { refreshTokens, type OAuthEndpoints } from './client.ts';

/** Refresh this long before expiry, so a token never lapses in the middle of a request. */
const REFRESH_MARGIN_MS = 60_000;
const LOCK_HOLD_MS = 30_000;
const LOCK_WAIT_MS = 250;

export interface FreshCredentialDependencies {
  db: Db;
  cipher: SecretCipher;
  fetch: HttpFetch;
  now: () => Date;
}

type OAuthSecret = CredentialSecret<'oauth2'>;

export interface FreshCredentialOptions {
  /** A credential the source answered 401 to: refreshed even though not stale, unless another caller already replaced its token. */
  refused?: OpenedCredential;
}

function needsRefresh(secret: OAuthSecret, now: Date, options: FreshCredentialOptions): boolean {
  if (!secret.refreshToken) return false;
  if (!secret.accessToken) return true;
  if (options.refused && (options.refused.secret as Partial<OAuthSecret>).accessToken === secret.accessToken) return true;
  return secret.expiresAt !== undefined && Date.parse(secret.expiresAt) - now.getTime() <= REFRESH_MARGIN_MS;
}

export function oauthEndpoints(row: Pick<CredentialRow, 'type'>, secret: OAuthSecret): OAuthEndpoints | undefined {
  const provider = findConnectorDefinition(row.type)?.oauth;
  const authorizationUrl = secret.authorizationUrl ?? provider?.authorizationUrl;
  const tokenUrl = secret.tokenUrl ?? provider?.tokenUrl;
  // Stored before endpoints were validated on input, a `javascript:` or `data:` URL is never handed out.
  const usable = (url: string | undefined): url is string => httpUrlSchema.safeParse(url).success;
  return usable(authorizationUrl) && usable(tokenUrl) ? { authorizationUrl, tokenUrl } : undefined;
}

/**
 * Opens a credential, refreshing an OAuth2 access token that is about to expire or that the source
 * refused. Only one caller refreshes a credential at a time, across workers: it takes a row lock,
 * then re-reads, so a token refreshed meanwhile by another worker is used rather than refreshed twice.
 * @example
 * const fresh = await openFreshCredential(deps, credentialId, { refused: credential });
 */
export async function openFreshCredential(
  deps: FreshCredentialDependencies,
  credentialId: string,
  options: FreshCredentialOptions = {},
): Promise<OpenedCredential | undefined> {
  const deadline = deps.now().getTime() + LOCK_HOLD_MS * 2;
  for (;;) {
    const row = await findCredentialRow(deps.db, credentialId);
    if (!row) return undefined;
    const opened = openCredentialRow(deps.cipher, row);
    if (opened.kind !== 'oauth2' || !needsRefresh(opened.secret as OAuthSecret, deps.now(), options)) return opened;
    if (await tryLockCredentialRefresh(deps.db, credentialId, deps.now(), LOCK_HOLD_MS)) {
      try {
        return await refreshLocked(deps, credentialId, options);
      } finally {
        await unlockCredentialRefresh(deps.db, credentialId);
      }
    }
    if (deps.now().getTime() > deadline) throw new Error(`Timed out waiting for another refresh of credential ${credentialId}`);
    await sleep(LOCK_WAIT_MS);
  }
}

async function refreshLocked(deps: FreshCredentialDependencies, credentialId: string, options: FreshCredentialOptions): Promise<OpenedCredential | undefined> {
  const row = await findCredentialRow(deps.db, credentialId);
  if (!row) return undefined;
  const opened = openCredentialRow(deps.cipher, row);
  const secret = opened.secret as OAuthSecret;
  if (!needsRefresh(secret, deps.now(), options) || !secret.refreshToken) return opened;
  const endpoints = oauthEndpoints(row, secret);
  if (!endpoints) throw new Error(`Credential ${credentialId} has no token endpoint to refresh with`);
  const tokens = await refreshTokens({
    endpoints,
    client: { clientId: secret.clientId, clientSecret: secret.clientSecret },
    refreshToken: secret.refreshToken,
    fetch: deps.fetch,
    now: deps.now(),
  });
  const refreshed: OAuthSecret = { ...secret, ...tokens };
  await updateCredentialRow(deps.db, credentialId, { ...sealCredentialSecret(deps.cipher, refreshed), updated_at: deps.now().toISOString() });
  return { kind: 'oauth2', secret: refreshed };
}
