import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Db } from '../db/database.ts';
import { AppError } from '../application/errors.ts';
import { apiKeyAuth, type KeyScheme } from './auth.ts';
import type { AppEnv } from './principal.ts';
import { refuseUnstorableText } from './refuse-unstorable-text.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Refuses a body over `maxSize` as `payload_too_large`, before anything reads it. */
function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError('payload_too_large', `Request bodies are limited to ${maxSize} bytes`);
    },
  });
}

export interface GuardOptions {
  /** Paths reached without an API key (an OAuth redirect, a consent link). */
  publicPaths?: RegExp;
  /** Paths under `path` that another API guards itself, to answer in its own style. */
  guardedElsewhere?: RegExp;
  /** The body limit of a request, when some routes take more than MAX_BODY_BYTES (uploads). */
  maxBodyBytes?: (c: Context<AppEnv>) => number;
}

/**
 * What each JSON API of the app puts before its routes on `path`: the body limit, the API key in
 * its clients' scheme, and the refusal of text no database stores. Each API's error handler
 * answers their refusals in its own style.
 */
export function guardRequests(app: Hono<AppEnv>, path: string, db: Db, scheme: KeyScheme, options: GuardOptions = {}): void {
  const limits = new Map<number, MiddlewareHandler<AppEnv>>();
  const limitFor = (maxSize: number) => limits.get(maxSize) ?? limits.set(maxSize, limitBody(maxSize)).get(maxSize)!;
  const guards: MiddlewareHandler<AppEnv>[] = [
    (c, next) => limitFor(options.maxBodyBytes?.(c) ?? MAX_BODY_BYTES)(c, next),
    apiKeyAuth(db, scheme, options.publicPaths),
    refuseUnstorableText,
  ];
  for (const guard of guards) {
    app.use(path, (c, next) => (options.guardedElsewhere?.test(c.req.path) ? next() : guard(c, next)));
  }
}
