import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../../application/dependencies.ts';
import type { AppEnv } from '../../principal.ts';
import { bearerScheme } from '../../auth.ts';
import { guardRequests } from '../../request-guards.ts';
import { bodyPaths, RequestValidationError, schedulerErrorAnswer, validationIssuesOf } from './http-exception.ts';
import { registerPostCreateConnector } from './post-create-connector.ts';
import { registerPostCreateConnectorCollectionAssociation } from './post-create-connector-collection-association.ts';

const locPrefix: Record<string, string> = { json: 'body', query: 'query', param: 'path', header: 'header' };

/** The scheduler API's paths: under `/v1/`, but guarded by the API itself, so that it refuses in FastAPI's style. */
export const schedulerApiPaths = /^\/v1\/connector\//;

/**
 * The scheduler-based connector API (seed 002), under `/v1/connector/`, with `/v1`'s bearer keys:
 * everything it refuses, its body limit and keys included, answers in FastAPI's style.
 */
export function registerSchedulerApi(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const prefix = locPrefix[result.target] ?? result.target;
      // @hono/zod-validator hands the hook the input it validated as `data`, though its type omits it on failure.
      const input = (result as { data?: unknown }).data;
      throw new RequestValidationError(validationIssuesOf(result.error, input, { locOf: (path) => [prefix, ...path], explain: bodyPaths.explain }));
    },
  });
  // A sub-app's own error handler wraps each of its routes, so its errors never reach `/v1`'s.
  api.onError((error, c) => schedulerErrorAnswer(deps, error, c));
  guardRequests(api, '/v1/connector/*', deps.db, bearerScheme);
  registerPostCreateConnector(api, deps);
  registerPostCreateConnectorCollectionAssociation(api, deps);
  app.route('/', api);
}
