import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findWorkspaceCredentialRow, toCredential, updateCredentialRow } from '../../db/repositories/credentials.ts';
import { credentialSchema, credentialSecretSchemas, updateCredentialBodySchema, type CredentialKind } from '../../domain/credential.ts';
import { sealCredentialSecret } from '../../secrets/credential-seal.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError, validationError } from '../errors.ts';
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

export function registerPatchCredential(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const row = await findWorkspaceCredentialRow(deps.db, c.get('principal').workspaceId, id);
    if (!row) throw new ApiError(404, 'not_found', `Credential ${id} not found`);
    let sealed = {};
    if (body.secret) {
      const parsed = credentialSecretSchemas[row.kind as CredentialKind].safeParse(body.secret);
      if (!parsed.success) {
        const error = validationError(parsed.error, 'request body');
        throw new ApiError(400, 'invalid_request', error.message.replace('Invalid request body: ', 'Invalid request body: secret.'), {
          issues: parsed.error.issues.map((issue) => ({ path: ['secret', ...issue.path.map(String)], message: issue.message, code: issue.code })),
        });
      }
      sealed = sealCredentialSecret(deps.cipher, parsed.data);
    }
    const changes = { ...(body.name ? { name: body.name } : {}), ...sealed, updated_at: deps.now().toISOString() };
    await updateCredentialRow(deps.db, id, changes);
    return c.json({ data: toCredential({ ...row, ...changes }) }, 200);
  });
}
