import type { AppDependencies } from '../../../application/dependencies.ts';
import { requireConnector } from '../../../application/connector-lookup.ts';
import { AppError } from '../../../application/errors.ts';
import type { Principal } from '../../../application/principal.ts';
import { shownConnectorId } from '../../../domain/connector-ids.ts';
import type { Connector } from '../../../domain/connector.ts';
import { issueConsentLink } from './consent-link.ts';
import type { OAuthConnector, WireState } from './wire.ts';

/**
 * Connectors keep no creator or source URL of their own, so this API writes both into the
 * description it sets, in one sentence it can read back.
 */
const originSentence = /^Created through the OAuth connectors API by (\S+) from (\S+)$/;

export function originDescription(createdBy: string, url: string): string {
  return `Created through the OAuth connectors API by ${createdBy} from ${url}`;
}

function originOf(connector: Connector): { createdBy: string; url: string } | undefined {
  const match = originSentence.exec(connector.description ?? '');
  return match ? { createdBy: match[1] as string, url: match[2] as string } : undefined;
}

export function isOwnConnector(connector: Connector): boolean {
  return originOf(connector) !== undefined;
}

/** A connector of the caller's workspace created through this API, or 404: others have no URL to show. */
export async function requireOwnConnector(deps: AppDependencies, workspaceId: string, id: string): Promise<Connector> {
  const connector = await requireConnector(deps, workspaceId, id);
  if (!isOwnConnector(connector)) throw new AppError('not_found', `Connector ${id} not found`);
  return connector;
}

/** A connector waiting for its config has not got as far as authorization; paused still holds its authorization, so it shows as connected; a connector being deleted has let go of it. */
const wireStateOf: Record<Connector['state'], WireState> = {
  creating: 'created',
  needs_configuration: 'created',
  auth_required: 'auth_required',
  connected: 'connected',
  paused: 'connected',
  disconnected: 'disconnected',
  deleting: 'disconnected',
};

/**
 * The connector in the seed's shape, with a fresh consent link while it waits for consent. Each
 * link starts a consent (a stored state), so lists pass `consentLink: false` and leave it to GET.
 */
export async function presentOAuthConnector(
  deps: AppDependencies,
  principal: Principal,
  connector: Connector,
  options: { consentLink: boolean } = { consentLink: true },
): Promise<OAuthConnector> {
  const origin = originOf(connector);
  if (!origin) throw new AppError('not_found', `Connector ${shownConnectorId(connector)} not found`);
  const state = wireStateOf[connector.state];
  const link = options.consentLink ? await issueConsentLink(deps, principal, connector) : undefined;
  return {
    id: shownConnectorId(connector),
    url: origin.url,
    state,
    auth_request: link ? { authorization_endpoint: link, type: 'code' } : null,
    disconnect_reason: connector.state === 'deleting' ? 'deleted' : state === 'disconnected' || state === 'auth_required' ? connector.stateReason : null,
    metadata: connector.metadata,
    created_at: connector.createdAt,
    updated_at: connector.updatedAt,
    created_by: origin.createdBy,
  };
}
