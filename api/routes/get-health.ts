import { sql } from 'kysely';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDependencies } from '../dependencies.ts';
import type { AppEnv } from '../principal.ts';

/** Liveness answers while the process runs; readiness also needs the database and Temporal. */
export function registerHealth(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const [database, temporal] = await Promise.all([
      sql`select 1`.execute(deps.db).then(() => 'ok', () => 'unreachable'),
      deps.temporal.workflowService.getSystemInfo({}).then(() => 'ok', () => 'unreachable'),
    ]);
    const ready = database === 'ok' && temporal === 'ok';
    return c.json({ status: ready ? 'ok' : 'unavailable', checks: { database, temporal } }, ready ? 200 : 503);
  });
}
