import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import { deleteWebhook } from '../../application/webhooks.ts';
import { bearerSecurity, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{id}',
  tags: ['Webhooks'],
  summary: 'Delete a webhook',
  description: 'No event is sent to it afterwards; deliveries still being retried stop.',
  security: bearerSecurity,
  request: { params: z.object({ id: z.string() }) },
  responses: {
    204: { description: 'Deleted' },
    ...errorResponses(401, 403, 404, 503),
  },
});

export function registerDeleteWebhook(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    await deleteWebhook(deps, c.get('principal').workspaceId, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
