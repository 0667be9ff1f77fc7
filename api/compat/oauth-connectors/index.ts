import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../../application/dependencies.ts';
import type { AppEnv } from '../../principal.ts';
import { guardRequests } from '../../request-guards.ts';
import { publicLinkPaths } from './consent-link.ts';
import { registerDeleteConnector } from './delete-connector.ts';
import { onOAuthConnectorsError, validationAnswer, zodIssues } from './errors.ts';
import { registerGetAuthorize } from './get-authorize.ts';
import { registerGetConnector } from './get-connector.ts';
import { registerGetConnectors } from './get-connectors.ts';
import { basicKeyScheme } from './key-scheme.ts';
import { registerPostConnectors } from './post-connectors.ts';

/**
 * The OAuth connectors API (seed 003) at `/api/v1/connectors`, over the same use cases as `/v1`.
 * Its routes live in a sub-app with their own `onError`, so every answer, errors included, is in
 * this API's (FastAPI's) style.
 */
export function registerOAuthConnectorsApi(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationAnswer(c, zodIssues(result.error), result.target === 'json' ? 'body' : result.target);
      return undefined;
    },
  });
  api.onError(onOAuthConnectorsError(deps));
  guardRequests(api, '*', deps.db, basicKeyScheme, { publicPaths: publicLinkPaths });

  registerPostConnectors(api, deps);
  registerGetConnectors(api, deps);
  registerGetConnector(api, deps);
  registerDeleteConnector(api, deps);
  registerGetAuthorize(api, deps);
  api.all('*', (c) => c.json({ detail: 'Not Found' }, 404));

  api.openAPIRegistry.registerComponent('securitySchemes', 'oauthConnectorsBasic', {
    type: 'http',
    scheme: 'basic',
    description: 'OAuth connectors API: `Authorization: Basic base64(<any username>:<api key>)`; the password is a Tributary API key.',
  });
  app.route('/api/v1', api);
}
