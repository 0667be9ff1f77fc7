import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requireLiveConnector } from '../../../application/connector-lookup.ts';
import type { AppDependencies } from '../../../application/dependencies.ts';
import { listDocuments } from '../../../application/documents.ts';
import { AppError } from '../../../application/errors.ts';
import { startSync } from '../../../application/start-sync.ts';
import { listConnectorSyncJobs } from '../../../application/sync-status.ts';
import { runConnectorUpdate } from '../../../application/update-connector.ts';
import type { Connector, ConnectorChanges } from '../../../domain/connector.ts';
import { shownConnectorId } from '../../../domain/connector-ids.ts';
import { bearerSecurity } from '../../openapi-schemas.ts';
import type { AppEnv } from '../../principal.ts';
import { httpExceptionBodySchema, validationErrorBodySchema } from './http-exception.ts';
import { requireOwnWorkspace } from './own-workspace.ts';
import { associationRequestSchema, associationResponseSchema, workspaceParamSchema } from './wire-schemas.ts';

const fastApiError = (description: string) => ({ description, content: { 'application/json': { schema: httpExceptionBodySchema } } });

const route = createRoute({
  method: 'post',
  path: '/v1/connector/create_connector_collection_association/{workspace_id}',
  tags: ['Scheduler connector API'],
  summary: 'Create Connector Collection Association',
  description:
    "Associates a connector with the collection its documents go to (the seed names this route without its shape; this one is Tributary's). A connector that holds no documents yet takes the collection; one that does keeps its own (409 for another), as a Tributary connector feeds one collection. An `imed` connector that never synced starts its first sync here, once connected.",
  security: bearerSecurity,
  request: {
    params: workspaceParamSchema,
    body: { required: true, content: { 'application/json': { schema: associationRequestSchema } } },
  },
  responses: {
    201: { description: 'Successful Response', content: { 'application/json': { schema: associationResponseSchema } } },
    404: fastApiError("Not Found: the workspace is not the key's, or it has no such connector"),
    409: fastApiError('The connector already holds documents in another collection, is being deleted, or is already syncing'),
    422: { description: 'Validation Error', content: { 'application/json': { schema: validationErrorBodySchema } } },
    503: fastApiError('Temporal or the database is unreachable'),
  },
});

/**
 * Moves a connector that holds no documents to `collection`, through the connector-update workflow.
 * Tributary's update takes no collection (a connector with documents must not move, and no use case
 * checks that yet), so the change is typed here, after the check.
 */
async function moveToCollection(
  deps: AppDependencies,
  workspaceId: string,
  connector: Connector,
  collection: string,
  neverSynced: boolean,
): Promise<Connector> {
  const publicId = shownConnectorId(connector);
  const documents = await listDocuments(deps, workspaceId, connector.collection, { connectorId: publicId, limit: 1 });
  if (!neverSynced || documents.items.length > 0) {
    throw new AppError(
      'conflict',
      `Connector ${publicId} has synced into collection ${connector.collection}; a connector feeds one collection, so it cannot move to ${collection}`,
    );
  }
  const moved = await runConnectorUpdate(deps, connector, { collection } as ConnectorChanges);
  return moved.connector;
}

export function registerPostCreateConnectorCollectionAssociation(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const workspaceId = requireOwnWorkspace(c.get('principal'), c.req.valid('param').workspace_id);
    const { connector_id: connectorId, collection_id: collection } = c.req.valid('json');
    let connector = await requireLiveConnector(deps, workspaceId, connectorId);
    const neverSynced = (await listConnectorSyncJobs(deps, workspaceId, connectorId, { limit: 1 })).items.length === 0;
    if (connector.collection !== collection) connector = await moveToCollection(deps, workspaceId, connector, collection, neverSynced);
    // `imed` is a manual schedule: the association is what starts it, once, while it waits.
    const waiting = connector.schedule.type === 'manual' && neverSynced && connector.state === 'connected';
    const job = waiting ? await startSync(deps, workspaceId, connectorId) : undefined;
    return c.json({ connector_id: connectorId, collection_id: connector.collection, sync_job_id: job?.jobId ?? null }, 201);
  });
}
