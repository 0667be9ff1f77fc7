import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requireConnector } from '../../../../application/connector-lookup.ts';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import { AppError } from '../../../../application/errors.ts';
import type { AppEnv } from '../../../principal.ts';
import { createElasticConnector, updateElasticConnector } from '../connector-writes.ts';
import { apiKeySecurity, connectorBody, connectorIdParam, errorAnswers, resultAnswer, tag } from '../wire.ts';

const route = createRoute({
  method: 'put',
  path: '/{connector_id}',
  tags: [tag],
  summary: 'Create or update a connector',
  description:
    'Creates the connector (201 `created`) or updates its name, description, language and is_native (200 `updated`). Created without a configuration, a connector whose type needs one has status `needs_configuration` until `PUT _connector/<id>/_configuration`.',
  security: apiKeySecurity,
  request: { params: connectorIdParam, body: { required: false, content: { 'application/json': { schema: connectorBody } } } },
  responses: {
    200: { description: 'Updated', content: { 'application/json': { schema: resultAnswer } } },
    201: { description: 'Created', content: { 'application/json': { schema: resultAnswer } } },
    ...errorAnswers(400, 401, 403, 409, 413, 503),
  },
});

export function registerPutConnector(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    const { workspaceId } = c.get('principal');
    const id = c.req.valid('param').connector_id;
    const body = c.req.valid('json');
    const existing = await requireConnector(deps, workspaceId, id).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') return undefined;
      throw error;
    });
    if (existing) {
      await updateElasticConnector(deps, workspaceId, existing, body);
      return c.json({ result: 'updated' as const, id }, 200);
    }
    await createElasticConnector(deps, workspaceId, id, body);
    return c.json({ result: 'created' as const, id }, 201);
  });
}
