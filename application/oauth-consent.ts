import { findConnectorDefinition } from '../connectors/registry.ts';
import { shownConnectorId } from '../domain/connector-ids.ts';
import { findConnector } from '../db/repositories/connectors.ts';
import { findCredentialRow, findWorkspaceCredentialRow, toCredential, updateCredentialRow } from '../db/repositories/credentials.ts';
import type { CredentialRow, OAuthStateRow } from '../db/schema.ts';
import { consumeOAuthState, deleteExpiredOAuthStates, insertOAuthState, isOAuthStateOpen } from '../db/repositories/oauth-states.ts';
import type { Connector } from '../domain/connector.ts';
import type { Credential, CredentialSecret } from '../domain/credential.ts';
import { authorizationUrl, exchangeCode, newPkcePair, OAuthExchangeError } from '../oauth/client.ts';
import { oauthEndpoints } from '../oauth/fresh-credential.ts';
import { openCredentialRow, sealCredentialSecret } from '../secrets/credential-seal.ts';
import type { AppDependencies } from './dependencies.ts';
import { runCredentialBinding } from './bind-credential.ts';
import { requireConnector } from './connector-lookup.ts';
import { AppError } from './errors.ts';
import type { Principal } from './principal.ts';

const CONSENT_TTL_MS = 15 * 60 * 1000;

export function callbackUrl(deps: Pick<AppDependencies, 'publicUrl'>, type: string): string {
  return `${deps.publicUrl}/v1/connectors/oauth/${type}/callback`;
}

/** The OAuth2 client of a credential row: its secret and endpoints, or why consent cannot start from it. */
function oauthClientOf(deps: AppDependencies, row: CredentialRow | undefined, owner: string) {
  if (!row || row.kind !== 'oauth2') {
    throw new AppError('conflict', `${owner} has no OAuth2 client credential; create it with credentials {kind: "oauth2", clientId, clientSecret} or bind one`);
  }
  const secret = openCredentialRow(deps.cipher, row).secret as CredentialSecret<'oauth2'>;
  const endpoints = oauthEndpoints(row, secret);
  if (!endpoints) throw new AppError('conflict', `No usable OAuth2 endpoints (http or https) are known for ${row.type}`);
  return { row, secret, endpoints };
}

/**
 * Builds the consent URL with state and PKCE (S256); the verifier is kept sealed on the server. The
 * state names the credential the tokens go to, and the connector when consent started from one.
 */
async function startConsent(
  deps: AppDependencies,
  start: { type: string; workspaceId: string; connectorId: string | null; row: CredentialRow | undefined; owner: string },
): Promise<string> {
  const provider = findConnectorDefinition(start.type)?.oauth;
  if (!provider) throw new AppError('invalid_request', `${start.type} does not use OAuth2`);
  const { row, secret, endpoints } = oauthClientOf(deps, start.row, start.owner);
  const pkce = await newPkcePair();
  const redirectUri = callbackUrl(deps, start.type);
  const now = deps.now();
  await deleteExpiredOAuthStates(deps.db, now);
  await insertOAuthState(deps.db, {
    state: pkce.state,
    workspace_id: start.workspaceId,
    connector_id: start.connectorId,
    credential_id: row.id,
    redirect_uri: redirectUri,
    sealed_verifier: JSON.stringify(deps.cipher.seal(pkce.verifier)),
    expires_at: new Date(now.getTime() + CONSENT_TTL_MS).toISOString(),
  });
  return authorizationUrl({
    endpoints,
    clientId: secret.clientId,
    redirectUri,
    scopes: secret.scope ? secret.scope.split(' ') : provider.scopes,
    state: pkce.state,
    codeChallenge: pkce.challenge,
    ...(provider.authorizationParams ? { extraParams: provider.authorizationParams } : {}),
  });
}

/** Exchanges the code of a consent for tokens, with the client of the credential it started from. */
async function exchangeConsentCode(deps: AppDependencies, consent: OAuthStateRow, row: CredentialRow, code: string, state: string) {
  const { secret, endpoints } = oauthClientOf(deps, row, `Credential ${row.id}`);
  try {
    const tokens = await exchangeCode({
      endpoints,
      client: { clientId: secret.clientId, clientSecret: secret.clientSecret },
      code,
      state,
      redirectUri: consent.redirect_uri,
      codeVerifier: deps.cipher.open(JSON.parse(consent.sealed_verifier)),
      fetch: deps.fetch,
      now: deps.now(),
    });
    return { ...secret, ...tokens } satisfies CredentialSecret<'oauth2'>;
  } catch (error) {
    if (error instanceof OAuthExchangeError) throw new AppError('credential_check_failed', error.message);
    throw error;
  }
}

async function storeTokens(deps: AppDependencies, credentialId: string, secret: CredentialSecret<'oauth2'>): Promise<void> {
  await updateCredentialRow(deps.db, credentialId, { ...sealCredentialSecret(deps.cipher, secret), updated_at: deps.now().toISOString() });
}

/**
 * Exchanges the code once (the state is consumed first) and stores the tokens sealed in the
 * credential consent started from. Returns the connector, if consent started from one, and that credential.
 */
async function completeConsent(
  deps: AppDependencies,
  type: string,
  input: { code: string; state: string },
): Promise<{ connector: Connector | undefined; credentialId: string }> {
  const consent = await consumeOAuthState(deps.db, input.state, deps.now());
  if (!consent) throw new AppError('invalid_request', 'Unknown, used or expired OAuth state; start again from the authorize URL');
  const row = await findCredentialRow(deps.db, consent.credential_id);
  if (consent.connector_id === null) {
    // A state presented on another type's callback is spent all the same: it has leaked somewhere.
    if (!row || row.type !== type || row.workspace_id !== consent.workspace_id) {
      throw new AppError('invalid_request', 'The OAuth state does not belong to a credential of this type');
    }
    await storeTokens(deps, row.id, await exchangeConsentCode(deps, consent, row, input.code, input.state));
    return { connector: undefined, credentialId: row.id };
  }
  const connector = await findConnector(deps.db, consent.connector_id);
  if (!connector || connector.type !== type || connector.workspaceId !== consent.workspace_id) {
    throw new AppError('invalid_request', 'The OAuth state does not belong to a connector of this type');
  }
  if (!row) throw new AppError('conflict', `The credential of connector ${shownConnectorId(connector)} was deleted during consent`);
  const tokens = await exchangeConsentCode(deps, consent, row, input.code, input.state);
  // Checked after the exchange, as close to the write as can be: consent grants tokens for the
  // credential it started from, never for one bound since.
  const current = await findConnector(deps.db, connector.id);
  if (current?.credentialId !== consent.credential_id) {
    throw new AppError('conflict', `The credential of connector ${shownConnectorId(connector)} changed during consent; start again from the authorize URL`);
  }
  await storeTokens(deps, row.id, tokens);
  return { connector: current, credentialId: consent.credential_id };
}

/**
 * The consent URL for a connector of the caller's workspace (`GET /v1/connectors/oauth/{type}/authorize?connectorId=`).
 * Completing consent replaces the connector's tokens, so it takes a key that may change connectors.
 */
export async function authorizeConnector(deps: AppDependencies, principal: Principal, type: string, connectorId: string): Promise<string> {
  if (principal.role === 'viewer') throw new AppError('forbidden', 'This API key has the viewer role and cannot start OAuth consent');
  const connector = await requireConnector(deps, principal.workspaceId, connectorId);
  if (connector.type !== type) throw new AppError('invalid_request', `Connector ${shownConnectorId(connector)} is a ${connector.type} connector, not ${type}`);
  const row = connector.credentialId ? await findCredentialRow(deps.db, connector.credentialId) : undefined;
  return startConsent(deps, { type, workspaceId: connector.workspaceId, connectorId: connector.id, row, owner: `Connector ${shownConnectorId(connector)}` });
}

/**
 * The consent URL for an OAuth2 client credential of the caller's workspace, before any connector
 * exists (`GET /v1/connectors/oauth/{type}/authorize?credentialId=`): the callback fills the
 * credential with the tokens, ready for `credentialId` on create.
 */
export async function authorizeCredential(deps: AppDependencies, principal: Principal, type: string, credentialId: string): Promise<string> {
  if (principal.role === 'viewer') throw new AppError('forbidden', 'This API key has the viewer role and cannot start OAuth consent');
  const row = await findWorkspaceCredentialRow(deps.db, principal.workspaceId, credentialId);
  if (!row) throw new AppError('not_found', `Credential ${credentialId} not found`);
  if (row.type !== type) throw new AppError('invalid_request', `Credential ${credentialId} is for ${row.type}, not ${type}`);
  return startConsent(deps, { type, workspaceId: principal.workspaceId, connectorId: null, row, owner: `Credential ${credentialId}` });
}

/**
 * The provider's redirect: exchanges the code once and stores the tokens; a consent that started from
 * a connector binds its credential, one that started from a credential answers that credential.
 */
export async function connectThroughConsent(
  deps: AppDependencies,
  type: string,
  input: { code: string; state: string },
): Promise<{ connector: Connector } | { credential: Credential }> {
  const { connector, credentialId } = await completeConsent(deps, type, input);
  if (!connector) return { credential: toCredential((await findCredentialRow(deps.db, credentialId)) as CredentialRow) };
  return { connector: await runCredentialBinding(deps, connector, credentialId) };
}

/** Whether a connector's consent started with `state` is still open, for links that lead a person to it. */
export function consentIsOpen(deps: AppDependencies, state: string, connectorId: string): Promise<boolean> {
  return isOAuthStateOpen(deps.db, state, connectorId, deps.now());
}
