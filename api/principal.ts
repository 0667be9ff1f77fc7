import type { RequestIdVariables } from 'hono/request-id';
import type { ApiKeyRole } from '../domain/api-keys.ts';

/** Who is calling: resolved from the bearer key by the auth middleware. */
export interface Principal {
  workspaceId: string;
  keyId: string;
  role: ApiKeyRole;
}

export type AppEnv = { Variables: { principal: Principal } & RequestIdVariables };
