import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { getCredential } from '../../../../application/credentials.ts';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import { listWorkspaceConnectors } from '../../../../application/list-connectors.ts';
import { listConnectorSyncJobs } from '../../../../application/sync-status.ts';
import { needsCredential } from '../../../../connectors/registry.ts';
import { shownConnectorId } from '../../../../domain/connector-ids.ts';
import type { AppEnv } from '../../../principal.ts';
import { allPages } from '../all-pages.ts';
import { onyxErrorResponses } from '../errors.ts';
import { presentIndexingStatus } from '../present.ts';
import { indexingStatusSchema, onyxSecurity, onyxTags } from '../wire.ts';

const route = createRoute({
  method: 'get',
  path: '/admin/connector/indexing-status',
  tags: onyxTags,
  summary: 'Indexing status of every connector (Onyx)',
  description:
    'Each connector with its credential (Onyx’s connector-credential pair; a connector still waiting for a credential is left out, as Onyx leaves out a connector with none) and its sync jobs as index attempts: `not_started` (queued), `in_progress`, `success`, `completed_with_errors`, `failed`, `canceled`.',
  security: onyxSecurity,
  responses: {
    200: { description: 'The statuses', content: { 'application/json': { schema: z.array(indexingStatusSchema) } } },
    ...onyxErrorResponses(401, 503),
  },
});

export function registerGetIndexingStatus(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const { workspaceId } = c.get('principal');
    const connectors = await allPages((page) => listWorkspaceConnectors(deps, workspaceId, page));
    const paired = connectors.filter((connector) => connector.credentialId !== null || !needsCredential(connector.type));
    const statuses = await Promise.all(
      paired.map(async (connector) => {
        const [credential, jobs] = await Promise.all([
          connector.credentialId ? getCredential(deps, workspaceId, connector.credentialId) : undefined,
          allPages((page) => listConnectorSyncJobs(deps, workspaceId, shownConnectorId(connector), page)),
        ]);
        return presentIndexingStatus(connector, credential, jobs);
      }),
    );
    return c.json(statuses, 200);
  });
}
