import { commaList } from '../../../../domain/comma-list.ts';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import { listWorkspaceConnectors } from '../../../../application/list-connectors.ts';
import type { Connector } from '../../../../domain/connector.ts';
import type { AppEnv } from '../../../principal.ts';
import { presentConnectors } from '../present.ts';
import { apiKeySecurity, errorAnswers, serviceTypeOf, tag } from '../wire.ts';

const commaListParam = z
  .string()
  .optional()
  .transform((value) => (value === undefined ? undefined : commaList(value)));

const route = createRoute({
  method: 'get',
  path: '/',
  tags: [tag],
  summary: 'List connectors',
  security: apiKeySecurity,
  request: {
    query: z.object({
      from: z.coerce.number().int().min(0).default(0),
      size: z.coerce.number().int().min(0).max(10_000).default(100),
      index_name: commaListParam,
      connector_name: commaListParam,
      service_type: commaListParam,
    }),
  },
  responses: {
    200: {
      description: 'The matching connectors and their count',
      content: { 'application/json': { schema: z.object({ count: z.number().int(), results: z.array(z.record(z.string(), z.unknown())) }) } },
    },
    ...errorAnswers(400, 401, 503),
  },
});

/** Every connector of the workspace, through `/v1`'s pages: Elastic pages by offset, Tributary by cursor. */
async function allConnectors(deps: AppDependencies, workspaceId: string): Promise<Connector[]> {
  const connectors: Connector[] = [];
  let cursor: string | undefined;
  do {
    const page = await listWorkspaceConnectors(deps, workspaceId, { limit: 100, ...(cursor ? { cursor } : {}) });
    connectors.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return connectors;
}

export function registerGetConnectors(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    const query = c.req.valid('query');
    const matching = (await allConnectors(deps, c.get('principal').workspaceId)).filter(
      (connector) =>
        (!query.index_name || query.index_name.includes(connector.collection)) &&
        (!query.connector_name || query.connector_name.includes(connector.name)) &&
        (!query.service_type || query.service_type.includes(serviceTypeOf(connector.type))),
    );
    const results = await presentConnectors(deps, matching.slice(query.from, query.from + query.size));
    return c.json({ count: matching.length, results }, 200);
  });
}
