import { findConnectorDefinition } from '../connectors/registry.ts';
import { shownConnectorId } from '../domain/connector-ids.ts';
import { findConnector } from '../db/repositories/connectors.ts';
import { findCredentialRow, updateCredentialRow } from '../db/repositories/credentials.ts';
import { consumeOAuthState, deleteExpiredOAuthStates, insertOAuthState } from '../db/repositories/oauth-states.ts';
import type { Connector } from '../domain/connector.ts';
import type { CredentialSecret } from '../domain/credential.ts';
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

/** The OAuth2 client credential bound to the connector: where consent starts from. */
async function boundOAuthCredential(deps: AppDependencies, connector: Connector) {
  const row = connector.credentialId ? await findCredentialRow(deps.db, connector.credentialId) : undefined;
  if (!row || row.kind !== 'oauth2') {
    throw new AppError(
      'conflict',
      `Connector ${shownConnectorId(connector)} has no OAuth2 client credential; create it with credentials {kind: "oauth2", clientId, clientSecret} or bind one`,
    );
  }
  const secret = openCredentialRow(deps.cipher, row).secret as CredentialSecret<'oauth2'>;
  const endpoints = oauthEndpoints(row, secret);
  if (!endpoints) throw new AppError('conflict', `No usable OAuth2 endpoints (http or https) are known for ${row.type}`);
  return { row, secret, endpoints };
}

/** Builds the consent URL with state and PKCE (S256); the verifier is kept sealed on the server. */
async function startConsent(deps: AppDependencies, connector: Connector): Promise<string> {
  const provider = findConnectorDefinition(connector.type)?.oauth;
  if (!provider) throw new AppError('invalid_request', `${connector.type} does not use OAuth2`);
  const { row, secret, endpoints } = await boundOAuthCredential(deps, connector);
  const pkce = await newPkcePair();
  const redirectUri = callbackUrl(deps, connector.type);
  const now = deps.now();
  await deleteExpiredOAuthStates(deps.db, now);
  await insertOAuthState(deps.db, {
    state: pkce.state,
    workspace_id: connector.workspaceId,
    connector_id: connector.id,
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

/**
 * Exchanges the code once (the state is consumed first) and stores the tokens sealed in the
 * credential consent started from. Returns the connector and that credential, for the binding workflow.
 */
async function completeConsent(
  deps: AppDependencies,
  type: string,
  input: { code: string; state: string },
): Promise<{ connector: Connector; credentialId: string }> {
  const consent = await consumeOAuthState(deps.db, input.state, deps.now());
  if (!consent) throw new AppError('invalid_request', 'Unknown, used or expired OAuth state; start again from the authorize URL');
  const connector = await findConnector(deps.db, consent.connector_id);
  // A state presented on another type's callback is spent all the same: it has leaked somewhere.
  if (!connector || connector.type !== type || connector.workspaceId !== consent.workspace_id) {
    throw new AppError('invalid_request', 'The OAuth state does not belong to a connector of this type');
  }
  const row = await findCredentialRow(deps.db, consent.credential_id);
  if (!row) throw new AppError('conflict', `The credential of connector ${shownConnectorId(connector)} was deleted during consent`);
  const secret = openCredentialRow(deps.cipher, row).secret as CredentialSecret<'oauth2'>;
  const endpoints = oauthEndpoints(row, secret);
  if (!endpoints) throw new AppError('conflict', `No usable OAuth2 endpoints (http or https) are known for ${row.type}`);
  let tokens;
  try {
    tokens = await exchangeCode({
      endpoints,
      client: { clientId: secret.clientId, clientSecret: secret.clientSecret },
      code: input.code,
      state: input.state,
      redirectUri: consent.redirect_uri,
      codeVerifier: deps.cipher.open(JSON.parse(consent.sealed_verifier)),
      fetch: deps.fetch,
      now: deps.now(),
    });
  } catch (error) {
    if (error instanceof OAuthExchangeError) throw new AppError('credential_check_failed', error.message);
    throw error;
  }
  // Checked after the exchange, as close to the write as can be: consent grants tokens for the
  // credential it started from, never for one bound since.
  const current = await findConnector(deps.db, connector.id);
  if (current?.credentialId !== consent.credential_id) {
    throw new AppError('conflict', `The credential of connector ${shownConnectorId(connector)} changed during consent; start again from the authorize URL`);
  }
  const updated: CredentialSecret<'oauth2'> = { ...secret, ...tokens };
  await updateCredentialRow(deps.db, row.id, { ...sealCredentialSecret(deps.cipher, updated), updated_at: deps.now().toISOString() });
  return { connector: current, credentialId: consent.credential_id };
}

/**
 * The consent URL for a connector of the caller's workspace (`GET /v1/connectors/oauth/{type}/authorize`).
 * Completing consent replaces the connector's tokens, so it takes a key that may change connectors.
 */
export async function authorizeConnector(deps: AppDependencies, principal: Principal, type: string, connectorId: string): Promise<string> {
  if (principal.role === 'viewer') throw new AppError('forbidden', 'This API key has the viewer role and cannot start OAuth consent');
  const connector = await requireConnector(deps, principal.workspaceId, connectorId);
  if (connector.type !== type) throw new AppError('invalid_request', `Connector ${shownConnectorId(connector)} is a ${connector.type} connector, not ${type}`);
  return startConsent(deps, connector);
}

/** The provider's redirect: exchanges the code once, stores the tokens and binds the credential they belong to. */
export async function connectThroughConsent(deps: AppDependencies, type: string, input: { code: string; state: string }): Promise<Connector> {
  const { connector, credentialId } = await completeConsent(deps, type, input);
  return runCredentialBinding(deps, connector, credentialId);
}
