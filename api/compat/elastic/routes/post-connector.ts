import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import { shownConnectorId } from '../../../../domain/connector-ids.ts';
import type { AppEnv } from '../../../principal.ts';
import { createElasticConnector } from '../connector-writes.ts';
import { apiKeySecurity, connectorBody, errorAnswers, resultAnswer, tag } from '../wire.ts';

const route = createRoute({
  method: 'post',
  path: '/',
  tags: [tag],
  summary: 'Create a connector with a generated id',
  security: apiKeySecurity,
  request: { body: { required: false, content: { 'application/json': { schema: connectorBody } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: resultAnswer } } },
    ...errorAnswers(400, 401, 403, 413, 503),
  },
});

export function registerPostConnector(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    const connector = await createElasticConnector(deps, c.get('principal').workspaceId, undefined, c.req.valid('json'));
    return c.json({ result: 'created' as const, id: shownConnectorId(connector) }, 201);
  });
}
