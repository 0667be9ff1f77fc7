import { findConnectorDefinition } from '../connectors/registry.ts';
import type { Connector } from '../domain/connector.ts';
import { publicConnectorId } from '../domain/connector-ids.ts';
import { connectorStatus } from '../domain/connector-status.ts';
import type { AppDependencies } from '../application/dependencies.ts';
import { lastSyncsOf, type LastSync } from '../application/last-syncs.ts';
import type { PresentedConnector } from '../application/connector-schemas.ts';

type PresentDependencies = Pick<AppDependencies, 'publicUrl' | 'db'>;

/** The connector as the API shows it, with its status and last sync (seed 001). */
export async function presentConnector(deps: PresentDependencies, stored: Connector): Promise<PresentedConnector> {
  const [presented] = await presentConnectors(deps, [stored]);
  return presented as PresentedConnector;
}

/** A page of connectors as the API shows them, their last syncs read in one query. */
export async function presentConnectors(deps: PresentDependencies, stored: Connector[]): Promise<PresentedConnector[]> {
  const lastSyncs = await lastSyncsOf(deps, stored);
  return stored.map((connector) => shown(deps, connector, lastSyncs.get(connector.id)));
}

/** An OAuth connector waiting for consent also says where to get it (seed 003). */
function shown(deps: PresentDependencies, stored: Connector, lastSync: LastSync | undefined): PresentedConnector {
  const connector = {
    ...stored,
    id: publicConnectorId(stored.workspaceId, stored.id),
    status: connectorStatus(stored.state, lastSync?.status ?? null),
    lastSync: lastSync?.finishedAt ?? null,
  };
  const oauth = findConnectorDefinition(connector.type)?.oauth;
  if (!oauth || connector.state !== 'auth_required') return connector;
  const endpoint = new URL(`${deps.publicUrl}/v1/connectors/oauth/${connector.type}/authorize`);
  endpoint.searchParams.set('connectorId', connector.id);
  return { ...connector, authRequest: { authorizationEndpoint: endpoint.toString(), type: 'code' } };
}
