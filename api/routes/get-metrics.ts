import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Registry } from 'prom-client';
import { AppError } from '../../application/errors.ts';
import { METRICS_TOKEN_HINT, metricsTokenCheck } from '../../config/metrics-token.ts';
import type { AppEnv } from '../principal.ts';

/**
 * Prometheus metrics for a scraper holding the metrics token; without a token the route does not
 * exist (404), since process and route figures are not for every client.
 */
export function registerGetMetrics(app: OpenAPIHono<AppEnv>, registry: Registry, token: string | undefined): void {
  if (!token) return;
  const authorized = metricsTokenCheck(token);
  app.get('/metrics', async (c) => {
    if (!authorized(c.req.header('authorization'))) throw new AppError('unauthorized', METRICS_TOKEN_HINT);
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
}
