import type { RequestIdVariables } from 'hono/request-id';
import type { Principal } from '../application/principal.ts';

export type { Principal };

export type AppEnv = { Variables: { principal: Principal } & RequestIdVariables };
