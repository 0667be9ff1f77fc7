import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { connectorSchema } from '../../application/connector-schemas.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { AppError } from '../../application/errors.ts';
import { authorizeConnector, authorizeCredential, connectThroughConsent } from '../../application/oauth-consent.ts';
import { credentialSchema } from '../../domain/credential.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import { presentConnector } from '../present-connector.ts';
import type { AppEnv } from '../principal.ts';

const typeParam = z.object({ type: z.string() });
const callbackBody = z
  .object({ code: z.string().min(1).max(4096), state: z.string().min(1).max(512) })
  .strict()
  .meta({ id: 'OAuthCallback' });

/** A consent started from a connector answers the connected connector; one started from a credential, that credential. */
const consentOutcomeSchema = z.union([connectorSchema, credentialSchema]);

const authorize = createRoute({
  method: 'get',
  path: '/v1/connectors/oauth/{type}/authorize',
  tags: ['OAuth'],
  summary: 'Get the consent URL of an OAuth connector, or of an OAuth client credential before any connector exists',
  description:
    'The URL carries `state` and a PKCE challenge (S256); send the user there. The provider redirects back to the callback. With `connectorId`, consent fills the connector’s credential and connects it; with `credentialId` (an `oauth2` credential holding the client), it fills that credential, whose id then goes in `credentialId` on create. Editors and admins only: completing consent replaces tokens.',
  security: bearerSecurity,
  request: {
    params: typeParam,
    query: z
      .object({ connectorId: z.string().optional(), credentialId: z.string().optional() })
      .refine((query) => Boolean(query.connectorId) !== Boolean(query.credentialId), { message: 'send either connectorId or credentialId' }),
  },
  responses: {
    200: { description: 'The consent URL', content: { 'application/json': { schema: dataEnvelope(z.object({ authUrl: z.string() })) } } },
    ...errorResponses(400, 401, 403, 404, 409, 503),
  },
});

const callbackPost = createRoute({
  method: 'post',
  path: '/v1/connectors/oauth/{type}/callback',
  tags: ['OAuth'],
  summary: 'Complete OAuth consent',
  description:
    'Exchanges the code once, stores the tokens encrypted in the credential consent started from and runs the binding workflow. The `state` authorizes the call, once, for the type it was issued for; if the connector’s credential changed since, nothing is stored (409).',
  request: { params: typeParam, body: { required: true, content: { 'application/json': { schema: callbackBody } } } },
  responses: {
    200: { description: 'Connected, or the credential filled', content: { 'application/json': { schema: dataEnvelope(consentOutcomeSchema) } } },
    ...errorResponses(400, 409, 422, 503),
  },
});

const callbackGet = createRoute({
  method: 'get',
  path: '/v1/connectors/oauth/{type}/callback',
  tags: ['OAuth'],
  summary: 'Complete OAuth consent (browser redirect from the provider)',
  request: {
    params: typeParam,
    query: callbackBody.extend({ code: z.string().optional(), error: z.string().optional(), error_description: z.string().optional() }).loose(),
  },
  responses: {
    200: { description: 'Connected, or the credential filled', content: { 'application/json': { schema: dataEnvelope(consentOutcomeSchema) } } },
    ...errorResponses(400, 409, 422, 503),
  },
});

/** Paths reached by the provider's redirect, without an API key: the single-use state is the authority. */
export const publicOAuthPaths = /^\/v1\/connectors\/oauth\/[^/]+\/callback$/;

export function registerOAuth(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  const answer = async (outcome: Awaited<ReturnType<typeof connectThroughConsent>>) =>
    'connector' in outcome ? await presentConnector(deps, outcome.connector) : outcome.credential;
  app.openapi(authorize, async (c) => {
    const { type } = c.req.valid('param');
    const { connectorId, credentialId } = c.req.valid('query');
    const authUrl = connectorId
      ? await authorizeConnector(deps, c.get('principal'), type, connectorId)
      : await authorizeCredential(deps, c.get('principal'), type, credentialId as string);
    return c.json({ data: { authUrl } }, 200);
  });
  app.openapi(callbackPost, async (c) =>
    c.json({ data: await answer(await connectThroughConsent(deps, c.req.valid('param').type, c.req.valid('json'))) }, 200),
  );
  app.openapi(callbackGet, async (c) => {
    const query = c.req.valid('query');
    if (query.error || !query.code) {
      throw new AppError(
        'invalid_request',
        `The provider refused consent: ${query.error ?? 'no code'}${query.error_description ? ` (${query.error_description})` : ''}`,
      );
    }
    return c.json({ data: await answer(await connectThroughConsent(deps, c.req.valid('param').type, { code: query.code, state: query.state })) }, 200);
  });
}
