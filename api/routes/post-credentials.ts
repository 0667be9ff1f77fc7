import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { findConnectorDefinition } from '../../connectors/registry.ts';
import { insertCredential, toCredential } from '../../db/repositories/credentials.ts';
import { createCredentialBodySchema, credentialSchema } from '../../domain/credential.ts';
import { newId } from '../../domain/ids.ts';
import { sealCredentialSecret } from '../../secrets/credential-seal.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
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
export function assertKindAccepted(type: string, kind: string): void {
  const definition = findConnectorDefinition(type);
  if (!definition) {
    throw new ApiError(400, 'invalid_request', `Invalid request body: type: unknown connector type ${type}`, {
      issues: [{ path: ['type'], message: 'unknown connector type', code: 'custom' }],
    });
  }
  if (!definition.credentialKinds.includes(kind as never)) {
    const accepted = definition.credentialKinds.length ? definition.credentialKinds.join(', ') : 'none';
    const message = `${type} does not take ${kind} credentials (accepted: ${accepted})`;
    throw new ApiError(400, 'invalid_request', `Invalid request body: kind: ${message}`, { issues: [{ path: ['kind'], message, code: 'custom' }] });
  }
}

export function registerPostCredentials(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    assertKindAccepted(body.type, body.kind);
    const now = deps.now().toISOString();
    const row = {
      id: newId('cred'),
      workspace_id: c.get('principal').workspaceId,
      name: body.name,
      type: body.type,
      kind: body.kind,
      ...sealCredentialSecret(deps.cipher, body.secret),
      created_at: now,
      updated_at: now,
    };
    await insertCredential(deps.db, row);
    return c.json({ data: toCredential({ ...row, refresh_locked_until: null }) }, 201);
  });
}
