import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../../application/dependencies.ts';
import { bearerScheme } from '../../auth.ts';
import type { AppEnv } from '../../principal.ts';
import { guardRequests } from '../../request-guards.ts';
import { onyxErrorHandler, onyxValidationError, problemsOf } from './errors.ts';
import { registerDeleteConnector } from './routes/delete-connector.ts';
import { registerGetConnectors } from './routes/get-connectors.ts';
import { registerGetCredentials } from './routes/get-credentials.ts';
import { registerGetIndexingStatus } from './routes/get-indexing-status.ts';
import { registerPostConnector } from './routes/post-connector.ts';
import { registerPostCredential } from './routes/post-credential.ts';
import { registerPostRunOnce } from './routes/post-run-once.ts';
import { registerPutConnectorCredential } from './routes/put-connector-credential.ts';

/** Onyx's clients call `<API_BASE_URL>/manage/...` with `API_BASE_URL` ending in `/api`. */
const PREFIX = '/api/manage';

const locationOf: Record<string, string> = { json: 'body', param: 'path', query: 'query', header: 'header' };

/**
 * Onyx's admin API (seed 000) under `/api/manage`, on the same use cases as `/v1`. A sub-app with its
 * own error handler, so that everything under the prefix — auth and body limit included — answers
 * in FastAPI's `{"detail": ...}` rather than Tributary's error shape.
 */
export function registerOnyxApi(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  const onyx = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw onyxValidationError(problemsOf(result.error, locationOf[result.target] ?? result.target));
    },
  });
  guardRequests(onyx, '*', deps.db, bearerScheme);

  registerPostConnector(onyx, deps);
  registerGetConnectors(onyx, deps);
  registerGetIndexingStatus(onyx, deps);
  registerDeleteConnector(onyx, deps);
  registerPutConnectorCredential(onyx, deps);
  registerPostRunOnce(onyx, deps);
  registerPostCredential(onyx, deps);
  registerGetCredentials(onyx, deps);

  // The parent's notFound would answer in Tributary's shape.
  onyx.all('*', (c) => c.json({ detail: 'Not Found' }, 404));
  onyx.onError(onyxErrorHandler(deps));
  app.route(PREFIX, onyx);
}
