import { deleteCredential } from '../../application/credentials.ts';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import { bearerSecurity, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'delete',
  path: '/v1/credentials/{id}',
  tags: ['Credentials'],
  summary: 'Delete a credential',
  description: 'Refused with 409 while a connector uses it.',
  security: bearerSecurity,
  request: { params: z.object({ id: z.string() }) },
  responses: {
    204: { description: 'Deleted' },
    ...errorResponses(401, 403, 404, 409, 503),
  },
});

export function registerDeleteCredential(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    await deleteCredential(deps, c.get('principal').workspaceId, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
