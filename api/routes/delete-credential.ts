import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { connectorsUsingCredential, deleteCredentialRow, findWorkspaceCredentialRow } from '../../db/repositories/credentials.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
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

export function registerDeleteCredential(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const row = await findWorkspaceCredentialRow(deps.db, c.get('principal').workspaceId, id);
    if (!row) throw new ApiError(404, 'not_found', `Credential ${id} not found`);
    const users = await connectorsUsingCredential(deps.db, id);
    if (users.length > 0) {
      throw new ApiError(409, 'conflict', `Credential ${id} is used by ${users.length} connector(s); unbind or delete them first`, {
        connectorIds: users,
      });
    }
    await deleteCredentialRow(deps.db, id);
    return c.body(null, 204);
  });
}
