import { createMiddleware } from 'hono/factory';
import type { Db } from '../db/database.ts';
import { findApiKeyByHash } from '../db/repositories/workspaces.ts';
import { hashApiKey, type ApiKeyRole } from '../domain/api-keys.ts';
import { AppError } from '../application/errors.ts';
import type { AppEnv, Principal } from './principal.ts';

const readOnlyMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * How the clients of one API send their key: the key found in an `Authorization` header, and what
 * to tell a client that sent none.
 */
export interface KeyScheme {
  keyOf(authorization: string): string | undefined;
  howToSend: string;
}

/** `Authorization: Bearer <api key>`, as `/v1` and Onyx's clients send it. */
export const bearerScheme: KeyScheme = {
  keyOf: (authorization) => /^Bearer\s+(\S+)$/i.exec(authorization)?.[1],
  howToSend: 'send "Authorization: Bearer <api key>"',
};

/** The workspace principal of an API key; an unknown key is refused, and a viewer may only read. */
export async function principalOfKey(db: Db, key: string, method: string): Promise<Principal> {
  const found = await findApiKeyByHash(db, hashApiKey(key));
  if (!found) throw new AppError('unauthorized', 'Invalid API key');
  const role = found.role as ApiKeyRole;
  if (role === 'viewer' && !readOnlyMethods.has(method)) {
    throw new AppError('forbidden', 'This API key has the viewer role and cannot make changes');
  }
  return { workspaceId: found.workspace_id, keyId: found.id, role };
}

/** Resolves the API key a request carries in `scheme` to its workspace principal, except on `publicPaths`. */
export function apiKeyAuth(db: Db, scheme: KeyScheme, publicPaths?: RegExp) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (publicPaths?.test(c.req.path)) return next();
    const key = scheme.keyOf(c.req.header('authorization') ?? '');
    if (!key) throw new AppError('unauthorized', `Missing API key: ${scheme.howToSend}`);
    c.set('principal', await principalOfKey(db, key, c.req.method));
    await next();
  });
}
