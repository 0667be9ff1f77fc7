import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { connectorSchema } from '../../application/connector-schemas.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { AppError } from '../../application/errors.ts';
import { authorizeConnector, connectThroughConsent } from '../../application/oauth-consent.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import { presentConnector } from '../present-connector.ts';
import type { AppEnv } from '../principal.ts';

const typeParam = z.object({ type: z.string() });
const callbackBody = z
  .object({ code: z.string().min(1).max(4096), state: z.string().min(1).max(512) })
  .strict()
  .meta({ id: 'OAuthCallback' });

const authorize = createRoute({
  method: 'get',
  path: '/v1/connectors/oauth/{type}/authorize',
  tags: ['OAuth'],
  summary: 'Get the consent URL of an OAuth connector',
  description:
    'The URL carries `state` and a PKCE challenge (S256); send the user there. The provider redirects back to the callback. Editors and admins only: completing consent replaces the connector’s tokens.',
  security: bearerSecurity,
  request: { params: typeParam, query: z.object({ connectorId: z.string() }) },
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
    200: { description: 'Connected', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
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
    200: { description: 'Connected', content: { 'application/json': { schema: dataEnvelope(connectorSchema) } } },
    ...errorResponses(400, 409, 422, 503),
  },
});

/** Paths reached by the provider's redirect, without an API key: the single-use state is the authority. */
export const publicOAuthPaths = /^\/v1\/connectors\/oauth\/[^/]+\/callback$/;

export function registerOAuth(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(authorize, async (c) => {
    const authUrl = await authorizeConnector(deps, c.get('principal'), c.req.valid('param').type, c.req.valid('query').connectorId);
    return c.json({ data: { authUrl } }, 200);
  });
  app.openapi(callbackPost, async (c) => {
    const connector = await connectThroughConsent(deps, c.req.valid('param').type, c.req.valid('json'));
    return c.json({ data: presentConnector(deps, connector) }, 200);
  });
  app.openapi(callbackGet, async (c) => {
    const query = c.req.valid('query');
    if (query.error || !query.code) {
      throw new AppError(
        'invalid_request',
        `The provider refused consent: ${query.error ?? 'no code'}${query.error_description ? ` (${query.error_description})` : ''}`,
      );
    }
    const connector = await connectThroughConsent(deps, c.req.valid('param').type, { code: query.code, state: query.state });
    return c.json({ data: presentConnector(deps, connector) }, 200);
  });
}
