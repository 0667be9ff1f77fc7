import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import { listWorkspaceWebhooks } from '../../application/webhooks.ts';
import { webhookSchema } from '../../domain/webhook.ts';
import { listQuerySchema, pageEnvelope } from '../list-query.ts';
import { bearerSecurity, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  tags: ['Webhooks'],
  summary: 'List webhooks (never their secrets)',
  security: bearerSecurity,
  request: { query: listQuerySchema },
  responses: {
    200: { description: 'A page of webhooks', content: { 'application/json': { schema: pageEnvelope(webhookSchema) } } },
    ...errorResponses(400, 401, 503),
  },
});

export function registerGetWebhooks(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const page = await listWorkspaceWebhooks(deps, c.get('principal').workspaceId, c.req.valid('query'));
    return c.json({ data: page.items, nextCursor: page.nextCursor }, 200);
  });
}
