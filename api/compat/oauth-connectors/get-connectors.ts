import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../../application/dependencies.ts';
import { listWorkspaceConnectors } from '../../../application/list-connectors.ts';
import { encodeCursor } from '../../../db/repositories/pagination.ts';
import type { Connector } from '../../../domain/connector.ts';
import { listQuerySchema } from '../../list-query.ts';
import type { AppEnv } from '../../principal.ts';
import { isOwnConnector, presentOAuthConnector } from './present.ts';
import { basicSecurity, connectorPage, errorAnswers, tag } from './wire.ts';

const route = createRoute({
  method: 'get',
  path: '/connectors',
  tags: [tag],
  summary: 'List Connectors',
  description:
    'The connectors created through this API, oldest first; pass `next_cursor` back as `cursor`. `auth_request` is null here: GET a connector for its authorization link.',
  security: basicSecurity,
  request: { query: listQuerySchema },
  responses: {
    200: { description: 'Successful Response', content: { 'application/json': { schema: connectorPage } } },
    ...errorAnswers(401, 422, 503),
  },
});

export function registerGetConnectors(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    const principal = c.get('principal');
    const { limit, cursor } = c.req.valid('query');
    // Connectors made through `/v1` share the table: pages are read until `limit` of this API's are
    // found, and the cursor then points after the last one taken.
    const found: Connector[] = [];
    let next = cursor;
    do {
      const page = await listWorkspaceConnectors(deps, principal.workspaceId, { limit, cursor: next });
      next = page.nextCursor ?? undefined;
      for (const connector of page.items.filter(isOwnConnector)) {
        found.push(connector);
        if (found.length === limit) {
          next = encodeCursor(connector.createdAt, connector.id);
          break;
        }
      }
    } while (next && found.length < limit);
    const data = await Promise.all(found.map((connector) => presentOAuthConnector(deps, principal, connector, { consentLink: false })));
    return c.json({ data, next_cursor: next ?? null }, 200);
  });
}
