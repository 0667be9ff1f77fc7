import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { requireConnector } from '../../../../application/connector-lookup.ts';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import { listWorkspaceConnectors } from '../../../../application/list-connectors.ts';
import type { AppEnv } from '../../../principal.ts';
import { allPages } from '../all-pages.ts';
import { onyxErrorResponses } from '../errors.ts';
import { presentConnectorSnapshot } from '../present.ts';
import { connectorSnapshotSchema, onyxSecurity, onyxTags } from '../wire.ts';

const listing = (path: string, summary: string) =>
  createRoute({
    method: 'get',
    path,
    tags: onyxTags,
    summary,
    description:
      'Every connector of the key’s workspace as Onyx’s `ConnectorSnapshot`, in creation order; `?credential=` keeps those bound to that credential.',
    security: onyxSecurity,
    request: { query: z.object({ credential: z.string().optional() }) },
    responses: {
      200: { description: 'The connectors', content: { 'application/json': { schema: z.array(connectorSnapshotSchema) } } },
      ...onyxErrorResponses(401, 503),
    },
  });

const getOne = createRoute({
  method: 'get',
  path: '/connector/{connector_id}',
  tags: onyxTags,
  summary: 'Get a connector (Onyx)',
  security: onyxSecurity,
  request: { params: z.object({ connector_id: z.string() }) },
  responses: {
    200: { description: 'The connector', content: { 'application/json': { schema: connectorSnapshotSchema } } },
    ...onyxErrorResponses(401, 404, 503),
  },
});

export function registerGetConnectors(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  for (const route of [listing('/admin/connector', 'List connectors (Onyx admin)'), listing('/connector', 'List connectors (Onyx)')]) {
    app.openapi(route, async (c) => {
      const { credential } = c.req.valid('query');
      const connectors = await allPages((page) => listWorkspaceConnectors(deps, c.get('principal').workspaceId, page));
      const snapshots = connectors.map(presentConnectorSnapshot);
      return c.json(credential === undefined ? snapshots : snapshots.filter((snapshot) => snapshot.credential_ids.map(String).includes(credential)), 200);
    });
  }
  app.openapi(getOne, async (c) =>
    c.json(presentConnectorSnapshot(await requireConnector(deps, c.get('principal').workspaceId, c.req.valid('param').connector_id)), 200),
  );
}
