import { listConnectors } from '../db/repositories/connectors.ts';
import type { AppDependencies } from './dependencies.ts';

/** Connectors of the caller's workspace, filtered and paged by keyset. */
export async function listWorkspaceConnectors(deps: AppDependencies, workspaceId: string, query: Parameters<typeof listConnectors>[2]) {
  return listConnectors(deps.db, workspaceId, query);
}
