import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../../application/dependencies.ts';
import type { AppEnv } from '../../principal.ts';
import { guardRequests } from '../../request-guards.ts';
import { elasticErrorAnswer, onElasticError, validationReason, zodIssues } from './errors.ts';
import { apiKeyScheme } from './key-scheme.ts';
import { registerDeleteConnector } from './routes/delete-connector.ts';
import { registerGetConnector } from './routes/get-connector.ts';
import { registerGetConnectors } from './routes/get-connectors.ts';
import { registerGetSyncJob } from './routes/get-sync-job.ts';
import { registerPostConnector } from './routes/post-connector.ts';
import { registerPostSyncJob } from './routes/post-sync-job.ts';
import { registerPutConfiguration } from './routes/put-configuration.ts';
import { registerPutConnector } from './routes/put-connector.ts';
import { registerCancelSyncJob } from './routes/put-sync-job-cancel.ts';

/**
 * Elastic's connector API (seed 004) at `/_connector`, over the same use cases as `/v1`. Its routes
 * live in a sub-app with their own `onError`, so every answer, errors included, is in Elasticsearch's style.
 */
export function registerElasticApi(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return undefined;
      return elasticErrorAnswer(c, 'action_request_validation_exception', validationReason(zodIssues(result.error)), 400);
    },
  });
  api.onError(onElasticError(deps));
  guardRequests(api, '*', deps.db, apiKeyScheme);

  // The sync job routes first: `_sync_job` is no connector id.
  registerPostSyncJob(api, deps);
  registerGetSyncJob(api, deps);
  registerCancelSyncJob(api, deps);
  registerPutConnector(api, deps);
  registerPostConnector(api, deps);
  registerGetConnectors(api, deps);
  registerGetConnector(api, deps);
  registerDeleteConnector(api, deps);
  registerPutConfiguration(api, deps);
  api.all('*', (c) => elasticErrorAnswer(c, 'resource_not_found_exception', `no handler found for uri [${c.req.path}] and method [${c.req.method}]`, 404));

  api.openAPIRegistry.registerComponent('securitySchemes', 'elasticApiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'Elastic clients: `Authorization: ApiKey <api key>`, a Tributary API key (as is, or as `base64(<any id>:<api key>)`).',
  });
  app.route('/_connector', api);
}
