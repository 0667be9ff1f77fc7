import { sql } from 'kysely';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import type { AppEnv } from '../principal.ts';

/** How long readiness waits for Temporal: a probe must answer in the time a load balancer allows. */
const TEMPORAL_PROBE_MS = 2_000;

const check = z.enum(['ok', 'unreachable']);
const readinessSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.object({ database: check, temporal: check }),
});

const liveness = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['Operations'],
  summary: 'Liveness: the process is up',
  responses: { 200: { description: 'Up', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
});

const readiness = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['Operations'],
  summary: 'Readiness: the database and Temporal answer',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: readinessSchema } } },
    503: { description: 'A dependency is unreachable', content: { 'application/json': { schema: readinessSchema } } },
  },
});

export function registerHealth(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(liveness, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(readiness, async (c) => {
    const [database, temporal] = await Promise.all([
      sql`select 1`.execute(deps.db).then(
        () => 'ok' as const,
        () => 'unreachable' as const,
      ),
      // A deadline of its own: otherwise the client's retries take many seconds to admit Temporal is down.
      deps.temporal
        .withDeadline(Date.now() + TEMPORAL_PROBE_MS, () => deps.temporal.workflowService.getSystemInfo({}))
        .then(
          () => 'ok' as const,
          () => 'unreachable' as const,
        ),
    ]);
    const ready = database === 'ok' && temporal === 'ok';
    const body = { status: ready ? ('ok' as const) : ('unavailable' as const), checks: { database, temporal } };
    return ready ? c.json(body, 200) : c.json(body, 503);
  });
}
