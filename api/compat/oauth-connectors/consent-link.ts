import type { AppDependencies } from '../../../application/dependencies.ts';
import { AppError } from '../../../application/errors.ts';
import { authorizeConnector, consentIsOpen } from '../../../application/oauth-consent.ts';
import type { Principal } from '../../../application/principal.ts';
import { findConnectorDefinition } from '../../../connectors/registry.ts';
import { publicConnectorId, shownConnectorId } from '../../../domain/connector-ids.ts';
import type { Connector } from '../../../domain/connector.ts';
import type { SealedSecret } from '../../../secrets/cipher.ts';

/** The consent link is opened by a person's browser, without an API key: the sealed token is its authority. */
export const publicLinkPaths = /^\/api\/v1\/connectors\/[^/]+\/authorize$/;

/** What the link carries, sealed (AES-GCM) with the server's secret key, so it can be neither read nor forged. */
interface LinkToken {
  connectorId: string;
  workspaceId: string;
  /** The provider's consent URL the existing flow built; its `state` is the consent row the callback consumes. */
  authUrl: string;
}

export type Redemption = { kind: 'redirect'; authUrl: string } | { kind: 'unknown' } | { kind: 'spent' };

/** An OAuth connector that has no usable tokens: it waits for a person's consent. */
function awaitsConsent(connector: Connector): boolean {
  return findConnectorDefinition(connector.type)?.oauth !== undefined && (connector.state === 'auth_required' || connector.state === 'disconnected');
}

/**
 * Starts consent through the existing flow (state and PKCE stored, 15 minutes) and wraps its URL in
 * a link of this API. Undefined when nothing waits for consent, when the key may not start it (a
 * viewer), or when no OAuth client credential is bound (a token given through `/v1`).
 */
export async function issueConsentLink(deps: AppDependencies, principal: Principal, connector: Connector): Promise<string | undefined> {
  if (!awaitsConsent(connector) || principal.role === 'viewer') return undefined;
  let authUrl: string;
  try {
    authUrl = await authorizeConnector(deps, principal, connector.type, shownConnectorId(connector));
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict') return undefined;
    throw error;
  }
  const token: LinkToken = { connectorId: connector.id, workspaceId: connector.workspaceId, authUrl };
  const link = new URL(`${deps.publicUrl}/api/v1/connectors/${encodeURIComponent(shownConnectorId(connector))}/authorize`);
  link.searchParams.set('token', Buffer.from(JSON.stringify(deps.cipher.seal(JSON.stringify(token)))).toString('base64url'));
  return link.href;
}

function openToken(deps: AppDependencies, token: string): LinkToken | undefined {
  try {
    const sealed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as SealedSecret;
    return JSON.parse(deps.cipher.open(sealed)) as LinkToken;
  } catch {
    return undefined;
  }
}

/**
 * The provider's consent URL for a link, while its consent is open: once the callback has consumed
 * the state, or the state has expired, the link is spent.
 */
export async function redeemConsentLink(deps: AppDependencies, id: string, token: string): Promise<Redemption> {
  const opened = openToken(deps, token);
  if (!opened || publicConnectorId(opened.workspaceId, opened.connectorId) !== id) return { kind: 'unknown' };
  const state = new URL(opened.authUrl).searchParams.get('state') ?? '';
  // Read, not consumed: the provider's callback must still find the state.
  return (await consentIsOpen(deps, state, opened.connectorId)) ? { kind: 'redirect', authUrl: opened.authUrl } : { kind: 'spent' };
}
