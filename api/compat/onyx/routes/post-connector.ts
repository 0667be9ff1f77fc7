import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { createConnectorBodySchema } from '../../../../application/connector-schemas.ts';
import { createConnector } from '../../../../application/create-connector.ts';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import type { AppEnv } from '../../../principal.ts';
import { inOnyxTerms, onyxErrorResponses, onyxValidationError } from '../errors.ts';
import { accessTypeKey, inputTypeKey, presentConnectorSnapshot } from '../present.ts';
import { configFromOnyx, mappingOfSource, onyxKeyOf, onyxSources, type SourceMapping } from '../sources.ts';
import { connectorCreatedSchema, connectorRequestSchema, onyxSecurity, onyxTags, type ConnectorRequest } from '../wire.ts';

const route = createRoute({
  method: 'post',
  path: '/admin/connector',
  tags: onyxTags,
  summary: 'Create a connector (Onyx)',
  description:
    'Onyx’s `ConnectorUpdateRequest` on the same creation workflow as `POST /v1/connectors`: `source` is the type (`web` is `web_scraper`, `file` is `upload`), `connector_specific_config` the config in Onyx’s keys, `refresh_freq` an interval schedule and `prune_freq` a prune schedule. A source that needs a credential waits, its schedule paused, until one is associated.',
  security: onyxSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: connectorRequestSchema } } } },
  responses: {
    200: {
      description: 'Created: the connector, with `id` to associate a credential with',
      content: { 'application/json': { schema: connectorCreatedSchema } },
    },
    ...onyxErrorResponses(401, 403, 409, 413, 422, 503),
  },
});

/** Where a field of Tributary's create body came from in Onyx's request. */
function onyxLoc(mapping: SourceMapping, path: string[]): Array<string | number> {
  const [field, ...rest] = path;
  if (field === 'config')
    return rest.length ? ['body', 'connector_specific_config', onyxKeyOf(mapping, rest[0] as string), ...rest.slice(1)] : ['body', 'connector_specific_config'];
  if (field === 'schedule') return ['body', 'refresh_freq'];
  if (field === 'pruneSchedule') return ['body', 'prune_freq'];
  return ['body', ...path];
}

/** Tributary's create body for Onyx's request, validated by the same schema as `/v1`. */
async function createBody(mapping: SourceMapping, body: ConnectorRequest) {
  const config = configFromOnyx(mapping, body.connector_specific_config);
  const parsed = await createConnectorBodySchema.safeParseAsync({
    name: body.name,
    type: mapping.type,
    config,
    schedule: typeof body.refresh_freq === 'number' ? { type: 'interval', everySeconds: body.refresh_freq } : { type: 'manual' },
    ...(typeof body.prune_freq === 'number' ? { pruneSchedule: { type: 'interval', everySeconds: body.prune_freq } } : {}),
    metadata: { [accessTypeKey]: body.access_type, [inputTypeKey]: body.input_type },
  });
  if (!parsed.success) {
    throw onyxValidationError(parsed.error.issues.map((issue) => ({ loc: onyxLoc(mapping, issue.path.map(String)), msg: issue.message, type: issue.code })));
  }
  return parsed.data;
}

export function registerPostConnector(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const mapping = mappingOfSource(body.source);
    if (!mapping) {
      throw onyxValidationError([{ loc: ['body', 'source'], msg: `Input should be ${onyxSources.map((source) => `'${source}'`).join(', ')}`, type: 'enum' }]);
    }
    try {
      const outcome = await createConnector(deps, c.get('principal').workspaceId, await createBody(mapping, body));
      return c.json({ ...presentConnectorSnapshot(outcome.connector), credential: null }, 200);
    } catch (error) {
      throw inOnyxTerms(error, (path) => onyxLoc(mapping, path));
    }
  });
}
