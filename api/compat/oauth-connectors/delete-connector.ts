import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { deleteConnector } from '../../../application/delete-connector.ts';
import type { AppDependencies } from '../../../application/dependencies.ts';
import type { AppEnv } from '../../principal.ts';
import { requireOwnConnector } from './present.ts';
import { basicSecurity, errorAnswers, idParam, tag } from './wire.ts';

const route = createRoute({
  method: 'delete',
  path: '/connectors/{id}',
  tags: [tag],
  summary: 'Delete Connector',
  description: 'Starts the deletion (schedules, running syncs, documents, the connector) and answers at once.',
  security: basicSecurity,
  request: { params: idParam },
  responses: {
    204: { description: 'Deletion started' },
    ...errorAnswers(401, 403, 404, 503),
  },
});

export function registerDeleteConnector(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    const { workspaceId } = c.get('principal');
    const { id } = c.req.valid('param');
    await requireOwnConnector(deps, workspaceId, id);
    await deleteConnector(deps, workspaceId, id);
    return c.body(null, 204);
  });
}
