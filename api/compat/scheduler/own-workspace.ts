import { AppError } from '../../../application/errors.ts';
import type { Principal } from '../../principal.ts';

/** The workspace in the path must be the key's: another workspace does not exist for the caller (404, as `/v1`'s lookups). */
export function requireOwnWorkspace(principal: Principal, workspaceId: string): string {
  if (workspaceId !== principal.workspaceId) throw new AppError('not_found', `Workspace ${workspaceId} not found`);
  return principal.workspaceId;
}
