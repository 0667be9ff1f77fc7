import { pauseConnector, resumeConnector } from '../../application/pause-resume-connector.ts';
import { connectorSchema } from '../../application/connector-schemas.ts';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import { presentConnector } from '../present-connector.ts';
import type { AppEnv } from '../principal.ts';

const summaries = { pause: 'Pause the connector and its schedules', resume: 'Resume the connector and its schedules' } as const;

function route(action: keyof typeof summaries) {
  return createRoute({
    method: 'post',
    path: `/v1/connectors/{id}/${action}`,
    tags: ['Connectors'],
    summary: summaries[action],
    security: bearerSecurity,
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: { description: 'Done', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
      202: { description: 'Accepted; still running', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
      ...errorResponses(401, 403, 404, 409, 503),
    },
  });
}

const useCases = { pause: pauseConnector, resume: resumeConnector } as const;

export function registerPauseResume(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  for (const action of ['pause', 'resume'] as const) {
    app.openapi(route(action), async (c) => {
      const outcome = await useCases[action](deps, c.get('principal').workspaceId, c.req.valid('param').id);
      return c.json({ data: await presentConnector(deps, outcome.connector) }, outcome.status);
    });
  }
}
