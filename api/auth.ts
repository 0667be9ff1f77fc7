import { createMiddleware } from 'hono/factory';
import type { Db } from '../db/database.ts';
import { findApiKeyByHash } from '../db/repositories/workspaces.ts';
import { hashApiKey, type ApiKeyRole } from '../domain/api-keys.ts';
import { AppError } from '../application/errors.ts';
import type { AppEnv } from './principal.ts';

const readOnlyMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Resolves `Authorization: Bearer <key>` to a workspace principal; viewers may only read. */
export function bearerAuth(db: Db, publicPaths: RegExp) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (publicPaths.test(c.req.path)) return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      throw new AppError('unauthorized', 'Missing bearer token: send "Authorization: Bearer <api key>"');
    }
    const key = await findApiKeyByHash(db, hashApiKey(match[1]));
    if (!key) throw new AppError('unauthorized', 'Invalid API key');
    const role = key.role as ApiKeyRole;
    if (role === 'viewer' && !readOnlyMethods.has(c.req.method)) {
      throw new AppError('forbidden', 'This API key has the viewer role and cannot make changes');
    }
    c.set('principal', { workspaceId: key.workspace_id, keyId: key.id, role });
    await next();
  });
}
