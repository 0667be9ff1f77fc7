import { findConnectorDefinition } from '../connectors/registry.ts';
import type { Connector } from '../domain/connector.ts';
import { publicConnectorId } from '../domain/connector-ids.ts';
import { connectorStatus } from '../domain/connector-status.ts';
import type { AppDependencies } from '../application/dependencies.ts';
import { connectorHealthOf, type ConnectorHealth } from '../application/last-syncs.ts';
import type { PresentedConnector } from '../application/connector-schemas.ts';

type PresentDependencies = Pick<AppDependencies, 'publicUrl' | 'db' | 'temporal' | 'logger'>;

/** The connector as the API shows it, with its status, last sync (seed 001) and health. */
export async function presentConnector(deps: PresentDependencies, stored: Connector): Promise<PresentedConnector> {
  const [presented] = await presentConnectors(deps, [stored]);
  return presented as PresentedConnector;
}

/** A page of connectors as the API shows them, their health read in one query per concern. */
export async function presentConnectors(deps: PresentDependencies, stored: Connector[]): Promise<PresentedConnector[]> {
  const health = await connectorHealthOf(deps, stored);
  return stored.map((connector) => shown(deps, connector, health.get(connector.id)));
}

/** An OAuth connector waiting for consent also says where to get it (seed 003). */
function shown(deps: PresentDependencies, stored: Connector, health: ConnectorHealth | undefined): PresentedConnector {
  const lastSync = health?.lastSync;
  const connector = {
    ...stored,
    id: publicConnectorId(stored.workspaceId, stored.id),
    status: connectorStatus(stored.state, lastSync?.status ?? null),
    lastSync: lastSync?.finishedAt ?? null,
    lastSyncJob: lastSync ? { jobId: lastSync.jobId, status: lastSync.status, finishedAt: lastSync.finishedAt, counters: lastSync.counters } : null,
    nextRunAt: health?.nextRunAt ?? null,
    documentCount: health?.documentCount ?? 0,
    // A lost access outranks an older sync's failure: it is what stops the next one.
    lastError: stored.state === 'disconnected' ? stored.stateReason : lastSync?.status === 'failed' ? lastSync.error : null,
  };
  const oauth = findConnectorDefinition(connector.type)?.oauth;
  if (!oauth || connector.state !== 'auth_required') return connector;
  const endpoint = new URL(`${deps.publicUrl}/v1/connectors/oauth/${connector.type}/authorize`);
  endpoint.searchParams.set('connectorId', connector.id);
  return { ...connector, authRequest: { authorizationEndpoint: endpoint.toString(), type: 'code' } };
}
