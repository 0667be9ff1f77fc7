import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import { createWebhook } from '../../application/webhooks.ts';
import { createdWebhookSchema, createWebhookBodySchema } from '../../domain/webhook.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'post',
  path: '/v1/webhooks',
  tags: ['Webhooks'],
  summary: 'Subscribe a URL to events',
  description:
    'Events are POSTed as JSON, signed in `Tributary-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the secret of this answer, which is never shown again.',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: createWebhookBodySchema } } } },
  responses: {
    201: { description: 'Subscribed; `secret` appears in this answer only', content: { 'application/json': { schema: dataEnvelope(createdWebhookSchema) } } },
    ...errorResponses(400, 401, 403, 413, 503),
  },
});

export function registerPostWebhooks(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => c.json({ data: await createWebhook(deps, c.get('principal').workspaceId, c.req.valid('json')) }, 201));
}
