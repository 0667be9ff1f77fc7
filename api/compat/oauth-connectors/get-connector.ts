import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../../application/dependencies.ts';
import type { AppEnv } from '../../principal.ts';
import { presentOAuthConnector, requireOwnConnector } from './present.ts';
import { basicSecurity, errorAnswers, idParam, oauthConnectorSchema, tag } from './wire.ts';

const route = createRoute({
  method: 'get',
  path: '/connectors/{id}',
  tags: [tag],
  summary: 'Get Connector',
  description: 'While the connector waits for consent, each call answers a new authorization link (editor and admin keys; a viewer gets none).',
  security: basicSecurity,
  request: { params: idParam },
  responses: {
    200: { description: 'Successful Response', content: { 'application/json': { schema: oauthConnectorSchema } } },
    ...errorAnswers(401, 404, 503),
  },
});

export function registerGetConnector(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    const principal = c.get('principal');
    const connector = await requireOwnConnector(deps, principal.workspaceId, c.req.valid('param').id);
    return c.json(await presentOAuthConnector(deps, principal, connector), 200);
  });
}
