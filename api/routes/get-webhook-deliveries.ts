import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import { listDeliveries } from '../../application/webhooks.ts';
import { webhookDeliverySchema } from '../../domain/webhook.ts';
import { listQuerySchema, pageEnvelope } from '../list-query.ts';
import { bearerSecurity, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}/deliveries',
  tags: ['Webhooks'],
  summary: 'List the deliveries of a webhook, newest first',
  description: 'Each event sent to the webhook: its body, status, attempts, and the last attempt’s HTTP status or error.',
  security: bearerSecurity,
  request: { params: z.object({ id: z.string() }), query: listQuerySchema },
  responses: {
    200: { description: 'A page of deliveries', content: { 'application/json': { schema: pageEnvelope(webhookDeliverySchema) } } },
    ...errorResponses(400, 401, 404, 503),
  },
});

export function registerGetWebhookDeliveries(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const page = await listDeliveries(deps, c.get('principal').workspaceId, c.req.valid('param').id, c.req.valid('query'));
    return c.json({ data: page.items, nextCursor: page.nextCursor }, 200);
  });
}
