import { createMiddleware } from 'hono/factory';
import type { Db } from '../db/database.ts';
import { findApiKeyByHash } from '../db/repositories/workspaces.ts';
import { hashApiKey, hashesMatch, type ApiKeyRole } from '../domain/api-keys.ts';
import { ApiError } from './errors.ts';
import type { AppEnv } from './principal.ts';

const readOnlyMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Resolves `Authorization: Bearer <key>` to a workspace principal; viewers may only read. */
export function bearerAuth(db: Db, publicPaths: RegExp) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (publicPaths.test(c.req.path)) return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      throw new ApiError(401, 'unauthorized', 'Missing bearer token: send "Authorization: Bearer <api key>"');
    }
    const hash = hashApiKey(match[1]);
    const key = await findApiKeyByHash(db, hash);
    if (!key || !hashesMatch(key.key_hash, hash)) throw new ApiError(401, 'unauthorized', 'Invalid API key');
    const role = key.role as ApiKeyRole;
    if (role === 'viewer' && !readOnlyMethods.has(c.req.method)) {
      throw new ApiError(403, 'forbidden', 'This API key has the viewer role and cannot make changes');
    }
    c.set('principal', { workspaceId: key.workspace_id, keyId: key.id, role });
    await next();
  });
}
