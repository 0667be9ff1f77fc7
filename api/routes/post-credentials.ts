import { createCredential } from '../../application/credentials.ts';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { createCredentialBodySchema, credentialSchema } from '../../domain/credential.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const route = createRoute({
  method: 'post',
  path: '/v1/credentials',
  tags: ['Credentials'],
  summary: 'Store a credential',
  description: 'The secret is encrypted at rest (AES-256-GCM) and never returned; responses show field names and at most the last four characters.',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: createCredentialBodySchema } } } },
  responses: {
    201: { description: 'Stored', content: { 'application/json': { schema: dataEnvelope(credentialSchema) } } },
    ...errorResponses(400, 401, 403, 413, 503),
  },
});

/** A credential must be of a kind its source type accepts. */
export function registerPostCredentials(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => c.json({ data: await createCredential(deps, c.get('principal').workspaceId, c.req.valid('json')) }, 201));
}
