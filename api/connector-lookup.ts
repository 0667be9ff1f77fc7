import { findWorkspaceConnector } from '../db/repositories/connectors.ts';
import type { Connector } from '../domain/connector.ts';
import type { ApiDependencies } from './dependencies.ts';
import { ApiError } from './errors.ts';

/** The connector of the caller's workspace, or 404: another workspace's connector does not exist for it. */
export async function requireWorkspaceConnector(deps: ApiDependencies, workspaceId: string, id: string): Promise<Connector> {
  const connector = await findWorkspaceConnector(deps.db, workspaceId, id);
  if (!connector) throw new ApiError(404, 'not_found', `Connector ${id} not found`);
  return connector;
}
