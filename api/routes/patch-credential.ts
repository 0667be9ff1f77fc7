import { updateCredential } from '../../application/credentials.ts';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { credentialSchema, updateCredentialBodySchema } from '../../domain/credential.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'patch',
  path: '/v1/credentials/{id}',
  tags: ['Credentials'],
  summary: 'Rename a credential or replace its secret',
  security: bearerSecurity,
  request: {
    params: z.object({ id: z.string() }),
    body: { required: true, content: { 'application/json': { schema: updateCredentialBodySchema } } },
  },
  responses: {
    200: { description: 'Updated', content: { 'application/json': { schema: dataEnvelope(credentialSchema) } } },
    ...errorResponses(400, 401, 403, 404, 413, 503),
  },
});

export function registerPatchCredential(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) =>
    c.json({ data: await updateCredential(deps, c.get('principal').workspaceId, c.req.valid('param').id, c.req.valid('json')) }, 200),
  );
}
