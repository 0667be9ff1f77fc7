import { findConnectorDefinition } from '../connectors/registry.ts';
import type { Connector } from '../domain/connector.ts';
import { publicConnectorId } from '../domain/connector-ids.ts';
import type { AppDependencies } from '../application/dependencies.ts';

/** The connector as the API shows it: an OAuth connector waiting for consent says where to get it (seed 003). */
export function presentConnector(deps: Pick<AppDependencies, 'publicUrl'>, stored: Connector): Connector {
  const connector = { ...stored, id: publicConnectorId(stored.workspaceId, stored.id) };
  const oauth = findConnectorDefinition(connector.type)?.oauth;
  if (!oauth || connector.state !== 'auth_required') return connector;
  const endpoint = new URL(`${deps.publicUrl}/v1/connectors/oauth/${connector.type}/authorize`);
  endpoint.searchParams.set('connectorId', connector.id);
  return { ...connector, authRequest: { authorizationEndpoint: endpoint.toString(), type: 'code' } };
}
