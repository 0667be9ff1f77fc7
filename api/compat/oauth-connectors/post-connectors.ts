import { randomUUID } from 'node:crypto';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { createConnectorBodySchema, type CreateConnectorBody as TributaryBody } from '../../../application/connector-schemas.ts';
import { createConnector } from '../../../application/create-connector.ts';
import type { AppDependencies } from '../../../application/dependencies.ts';
import { AppError } from '../../../application/errors.ts';
import { findConnectorDefinition } from '../../../connectors/registry.ts';
import type { AppEnv } from '../../principal.ts';
import { zodIssues } from './errors.ts';
import { presentOAuthConnector, originDescription } from './present.ts';
import { presetOf, webCrawl, type Preset } from './preset.ts';
import { basicSecurity, createConnectorBody, errorAnswers, oauthConnectorSchema, tag, type CreateConnectorBody } from './wire.ts';

const route = createRoute({
  method: 'post',
  path: '/connectors',
  tags: [tag],
  summary: 'Create Connector',
  description:
    'The `url` picks the source type and its config (`match_preset`); an OAuth source answers `auth_required` with a link a person opens in a browser to give consent. `client_id` and `client_secret` are your OAuth client at the provider.',
  security: basicSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: createConnectorBody } } } },
  responses: {
    200: { description: 'Successful Response', content: { 'application/json': { schema: oauthConnectorSchema } } },
    ...errorAnswers(401, 403, 409, 413, 422, 503),
  },
});

const bodyIssue = (field: string, message: string) => new AppError('invalid_request', message, { issues: [{ path: [field], message }] });

/**
 * The OAuth client to bind: the caller's own, or with `client_id` and `client_secret` null the
 * server's own client for the provider (`TRIBUTARY_OAUTH_<TYPE>_CLIENT_ID`), when it has one.
 */
function oauthClient(deps: AppDependencies, body: CreateConnectorBody, type: string): Record<string, string> | undefined {
  const given = { client_id: body.client_id ?? undefined, client_secret: body.client_secret ?? undefined };
  if (!findConnectorDefinition(type)?.oauth) {
    const sent = Object.entries(given).find(([, value]) => value !== undefined)?.[0];
    if (sent) throw bodyIssue(sent, `${type} takes no OAuth client: this URL is read without authorization`);
    return undefined;
  }
  if (!given.client_id && !given.client_secret) {
    const server = deps.oauthClients[type];
    if (!server) throw bodyIssue('client_id', `send client_id and client_secret: this server has no OAuth client of its own for ${type}`);
    return { kind: 'oauth2', ...server };
  }
  if (!given.client_id) throw bodyIssue('client_id', 'send client_id with client_secret');
  if (!given.client_secret) throw bodyIssue('client_secret', 'send client_secret with client_id');
  return { kind: 'oauth2', clientId: given.client_id, clientSecret: given.client_secret };
}

/** A readable name for `/v1` and the Temporal UI: the URL without its scheme. */
function nameOf(url: URL): string {
  return `${url.host}${url.pathname === '/' ? '' : url.pathname}`.slice(0, 200);
}

/** The `/v1` creation body the seed's request stands for; the preset's config is checked by its type's schema. */
function tributaryBody(deps: AppDependencies, body: CreateConnectorBody, preset: Preset, createdBy: string): TributaryBody {
  const url = new URL(body.url);
  const credentials = oauthClient(deps, body, preset.type);
  const parsed = createConnectorBodySchema.safeParse({
    id: randomUUID(),
    name: nameOf(url),
    description: originDescription(createdBy, body.url),
    type: preset.type,
    config: preset.config,
    metadata: body.metadata ?? {},
    ...(credentials ? { credentials } : {}),
  });
  if (!parsed.success) {
    // The config came from the URL, so that is the field to name.
    const issues = zodIssues(parsed.error).map((issue) => ({
      ...issue,
      path: ['url'],
      message: `as a ${preset.type} source: ${issue.path.join('.')}: ${issue.message}`,
    }));
    throw new AppError('invalid_request', issues[0]?.message ?? 'invalid url', { issues });
  }
  return parsed.data;
}

export function registerPostConnectors(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    const principal = c.get('principal');
    const body = c.req.valid('json');
    const url = new URL(body.url);
    const preset = body.match_preset ? presetOf(url) : webCrawl(url);
    const outcome = await createConnector(deps, principal.workspaceId, tributaryBody(deps, body, preset, principal.keyId));
    return c.json(await presentOAuthConnector(deps, principal, outcome.connector), 200);
  });
}
