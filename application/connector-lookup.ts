import { findWorkspaceConnector } from '../db/repositories/connectors.ts';
import { shownConnectorId } from '../domain/connector-ids.ts';
import type { Connector } from '../domain/connector.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';

/** The connector of the caller's workspace, or 404: another workspace's connector does not exist for it. */
export async function requireConnector(deps: AppDependencies, workspaceId: string, id: string): Promise<Connector> {
  const connector = await findWorkspaceConnector(deps.db, workspaceId, id);
  if (!connector) throw new AppError('not_found', `Connector ${id} not found`);
  return connector;
}

/** As `requireConnector`, for changes: a connector being deleted takes none. */
export async function requireLiveConnector(deps: AppDependencies, workspaceId: string, id: string): Promise<Connector> {
  const connector = await requireConnector(deps, workspaceId, id);
  if (connector.state === 'deleting') throw new AppError('conflict', `Connector ${shownConnectorId(connector)} is being deleted`);
  return connector;
}
