import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import { deleteStoredFile } from '../../application/upload-files.ts';
import { bearerSecurity, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';
import { connectorParam } from './sync-params.ts';

const route = createRoute({
  method: 'delete',
  path: '/v1/connectors/{id}/files',
  tags: ['Documents'],
  summary: 'Delete a file stored for an upload connector',
  description:
    'The path is a query parameter since it may hold slashes: `DELETE /v1/connectors/{id}/files?path=notes/standup.md`. Frees its bytes from the quota at once; the next full sync or prune removes its document.',
  security: bearerSecurity,
  request: {
    params: connectorParam,
    query: z.object({ path: z.string().min(1).meta({ description: 'The path the file was stored under, as GET /v1/connectors/{id}/files lists it.' }) }),
  },
  responses: {
    204: { description: 'Deleted' },
    ...errorResponses(400, 401, 403, 404, 409, 503),
  },
});

export function registerDeleteConnectorFile(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    await deleteStoredFile(deps, c.get('principal').workspaceId, c.req.valid('param').id, c.req.valid('query').path);
    return c.body(null, 204);
  });
}
