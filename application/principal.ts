import type { ApiKeyRole } from '../domain/api-keys.ts';

/** Who is calling: the workspace and role of the API key the request carried. */
export interface Principal {
  workspaceId: string;
  keyId: string;
  role: ApiKeyRole;
}
