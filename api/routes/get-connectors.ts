import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { listWorkspaceConnectors } from '../../application/list-connectors.ts';
import { connectorSchema } from '../../application/connector-schemas.ts';
import { connectorStates } from '../../domain/connector-state.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { listQuerySchema, pageEnvelope } from '../list-query.ts';
import { bearerSecurity, errorResponses } from '../openapi-schemas.ts';
import { presentConnectors } from '../present-connector.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/connectors',
  tags: ['Connectors'],
  summary: 'List connectors',
  description: 'In creation order; pass `nextCursor` back as `cursor` for the next page.',
  security: bearerSecurity,
  request: {
    query: listQuerySchema.extend({
      type: z.string().optional(),
      state: z.enum(connectorStates).optional(),
    }),
  },
  responses: {
    200: { description: 'A page of connectors', content: { 'application/json': { schema: pageEnvelope(connectorSchema) } } },
    ...errorResponses(400, 401, 503),
  },
});

export function registerGetConnectors(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const page = await listWorkspaceConnectors(deps, c.get('principal').workspaceId, c.req.valid('query'));
    return c.json({ data: await presentConnectors(deps, page.items), nextCursor: page.nextCursor }, 200);
  });
}
