import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { bearerScheme } from './auth.ts';
import { guardRequests, MAX_BODY_BYTES } from './request-guards.ts';
import { createApiMetrics } from './metrics.ts';
import type { AppDependencies } from '../application/dependencies.ts';
import { AppError, validationError } from '../application/errors.ts';
import { errorResponse } from './errors.ts';
import type { AppEnv } from './principal.ts';
import { registerDeleteConnector } from './routes/delete-connector.ts';
import { registerDeleteConnectorFile } from './routes/delete-connector-file.ts';
import { registerDeleteCredential } from './routes/delete-credential.ts';
import { registerDocs } from './routes/get-docs.ts';
import { registerConsole } from './routes/console.ts';
import { registerGetConnector } from './routes/get-connector.ts';
import { registerGetConnectorFiles } from './routes/get-connector-files.ts';
import { registerGetConnectorTypes } from './routes/get-connector-types.ts';
import { registerGetConnectors } from './routes/get-connectors.ts';
import { registerGetCredentials } from './routes/get-credentials.ts';
import { registerHealth } from './routes/get-health.ts';
import { registerGetMetrics } from './routes/get-metrics.ts';
import { registerPatchConnector } from './routes/patch-connector.ts';
import { registerPatchCredential } from './routes/patch-credential.ts';
import { publicOAuthPaths, registerOAuth } from './routes/oauth.ts';
import { registerWorkspaces } from './routes/workspaces.ts';
import { MAX_UPLOAD_BYTES, registerPostConnectorFiles } from './routes/post-connector-files.ts';
import { registerPostConnectorSync } from './routes/post-connector-sync.ts';
import { registerGetSyncFailures } from './routes/get-sync-failures.ts';
import { registerGetSyncJob } from './routes/get-sync-job.ts';
import { registerGetConnectorSyncs } from './routes/get-connector-syncs.ts';
import { registerPostSyncControl } from './routes/post-sync-control.ts';
import { registerGetSyncEvents } from './routes/get-sync-events.ts';
import { registerDocuments } from './routes/documents.ts';
import { registerGetCollectionChanges } from './routes/get-collection-changes.ts';
import { registerPostWebhooks } from './routes/post-webhooks.ts';
import { registerGetWebhooks } from './routes/get-webhooks.ts';
import { registerDeleteWebhook } from './routes/delete-webhook.ts';
import { registerGetWebhookDeliveries } from './routes/get-webhook-deliveries.ts';
import { registerPauseResume } from './routes/post-connector-pause-resume.ts';
import { registerPostConnectors } from './routes/post-connectors.ts';
import { registerPostCredentials } from './routes/post-credentials.ts';
import { registerBindCredential } from './routes/put-connector-credential.ts';
import { registerPutConnector } from './routes/put-connector.ts';
import { temporalUnavailable } from './workflow-errors.ts';
import { databaseUnavailable } from './database-errors.ts';
import { registerOnyxApi } from './compat/onyx/index.ts';
import { registerOAuthConnectorsApi } from './compat/oauth-connectors/index.ts';
import { registerSchedulerApi, schedulerApiPaths } from './compat/scheduler/index.ts';
import { registerElasticApi } from './compat/elastic/index.ts';

export function createApp(deps: AppDependencies): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target === 'json' ? 'request body' : result.target);
    },
  });

  app.use(requestId());
  const metrics = createApiMetrics(deps.db);
  app.use(metrics.middleware);
  registerGetMetrics(app, metrics.registry, deps.metricsToken);
  const uploadPath = /^\/v1\/connectors\/[^/]+\/files$/;
  guardRequests(app, '/v1/*', deps.db, bearerScheme, {
    publicPaths: publicOAuthPaths,
    guardedElsewhere: schedulerApiPaths,
    maxBodyBytes: (c) => (c.req.method === 'POST' && uploadPath.test(c.req.path) ? MAX_UPLOAD_BYTES : MAX_BODY_BYTES),
  });

  registerGetConnectorTypes(app);
  registerGetConnectors(app, deps);
  registerPostConnectors(app, deps);
  registerPutConnector(app, deps);
  registerGetConnector(app, deps);
  registerPatchConnector(app, deps);
  registerDeleteConnector(app, deps);
  registerPauseResume(app, deps);
  registerBindCredential(app, deps);
  registerOAuth(app, deps);
  registerPostConnectorSync(app, deps);
  registerGetSyncJob(app, deps);
  registerGetSyncFailures(app, deps);
  registerGetConnectorSyncs(app, deps);
  registerPostSyncControl(app, deps);
  registerGetSyncEvents(app, deps);
  registerPostConnectorFiles(app, deps);
  registerGetConnectorFiles(app, deps);
  registerDeleteConnectorFile(app, deps);
  registerDocuments(app, deps);
  registerGetCollectionChanges(app, deps);
  registerPostWebhooks(app, deps);
  registerGetWebhooks(app, deps);
  registerDeleteWebhook(app, deps);
  registerGetWebhookDeliveries(app, deps);
  registerPostCredentials(app, deps);
  registerGetCredentials(app, deps);
  registerPatchCredential(app, deps);
  registerDeleteCredential(app, deps);
  registerWorkspaces(app, deps);
  registerHealth(app, deps);
  registerDocs(app);
  registerConsole(app, { temporalUiUrl: deps.temporalUiUrl, temporalNamespace: deps.temporal.options.namespace });
  registerElasticApi(app, deps);
  registerOnyxApi(app, deps);
  registerOAuthConnectorsApi(app, deps);
  registerSchedulerApi(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key of the workspace: `Authorization: Bearer <api key>`',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Tributary API',
      version: '1',
      description: 'Register data-source connectors, bind credentials, schedule and run syncs.',
    },
  });

  app.notFound((c) => errorResponse(c, new AppError('not_found', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    if (error instanceof AppError) return errorResponse(c, error);
    if (error instanceof HTTPException && error.status === 400) {
      return errorResponse(c, new AppError('invalid_json', 'The request body is not valid JSON'));
    }
    if (error instanceof HTTPException && error.status === 415) {
      return errorResponse(c, new AppError('unsupported_media_type', 'This route takes a JSON body: send it with "Content-Type: application/json"'));
    }
    const unavailable = temporalUnavailable(error) ?? databaseUnavailable(error);
    if (unavailable) {
      deps.logger.warn({ err: error, requestId: c.get('requestId') }, unavailable.message);
      return errorResponse(c, unavailable);
    }
    deps.logger.error({ err: error, requestId: c.get('requestId') }, 'unhandled error');
    return errorResponse(c, new AppError('internal', `Internal error (request ${c.get('requestId')})`));
  });
  return app;
}
