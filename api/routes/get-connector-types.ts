import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { connectorDefinitions } from '../../connectors/registry.ts';
import { credentialKinds } from '../../domain/credential.ts';
import { bearerSecurity, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const connectorTypeSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    credentialKinds: z.array(z.enum(credentialKinds as [string, ...string[]])),
    oauth: z.boolean().meta({ description: 'Whether credentials can be obtained through the OAuth2 authorize/callback flow.' }),
    incremental: z.boolean().meta({ description: 'Whether an incremental sync reads only what changed since the last successful one.' }),
    prune: z.boolean().meta({ description: 'Whether a prune can remove documents the source no longer holds, without a full sync.' }),
    configSchema: z.record(z.string(), z.unknown()).meta({ description: 'JSON Schema of `config`, from the same zod schema the API validates with.' }),
  })
  .meta({ id: 'ConnectorType' });

const route = createRoute({
  method: 'get',
  path: '/v1/connector-types',
  tags: ['Connectors'],
  summary: 'List the source types with the JSON Schema of their config',
  security: bearerSecurity,
  responses: {
    200: { description: 'Every type', content: { 'application/json': { schema: z.object({ data: z.array(connectorTypeSchema) }) } } },
    ...errorResponses(401),
  },
});

/** The config's JSON Schema with the root object inline, as clients that render forms expect. */
function configJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $ref, $defs, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const defs = ($defs ?? {}) as Record<string, Record<string, unknown>>;
  const rootName = typeof $ref === 'string' ? $ref.replace('#/$defs/', '') : undefined;
  if (!rootName || !defs[rootName]) return { ...rest, ...($defs ? { $defs } : {}) };
  const { [rootName]: root, ...others } = defs;
  return { ...rest, ...root, ...(Object.keys(others).length ? { $defs: others } : {}) };
}

// Built once: the registry does not change while the process runs.
const types = connectorDefinitions.map((definition) => ({
  type: definition.type,
  title: definition.title,
  credentialKinds: [...definition.credentialKinds],
  oauth: Boolean(definition.oauth),
  incremental: definition.reads.incremental,
  prune: definition.reads.prune,
  configSchema: configJsonSchema(definition.configSchema),
}));

export function registerGetConnectorTypes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, (c) => c.json({ data: types }, 200));
}
