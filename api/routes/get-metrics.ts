import { createHash, timingSafeEqual } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Registry } from 'prom-client';
import { AppError } from '../../application/errors.ts';
import type { AppEnv } from '../principal.ts';

/**
 * Prometheus metrics for a scraper holding the metrics token; without a token the route does not
 * exist (404), since process and route figures are not for every client.
 */
export function registerGetMetrics(app: OpenAPIHono<AppEnv>, registry: Registry, token: string | undefined): void {
  if (!token) return;
  const expected = digest(token);
  app.get('/metrics', async (c) => {
    const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (!presented || !timingSafeEqual(digest(presented), expected)) {
      throw new AppError('unauthorized', 'Send the metrics token as "Authorization: Bearer <token>"');
    }
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
