import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import type { AppDependencies } from '../../../application/dependencies.ts';
import { AppError } from '../../../application/errors.ts';
import { databaseUnavailable } from '../../database-errors.ts';
import { httpStatusOf } from '../../errors.ts';
import type { AppEnv } from '../../principal.ts';
import { temporalUnavailable } from '../../workflow-errors.ts';

type Issue = { path: string[]; message: string; code?: string };

/** FastAPI's 422: each failed field with its location, `["body", "url"]` or `["query", "limit"]`. */
export function validationAnswer(c: Context, issues: Issue[], where = 'body') {
  return c.json({ detail: issues.map((issue) => ({ type: issue.code ?? 'value_error', loc: [where, ...issue.path], msg: issue.message })) }, 422);
}

export function zodIssues(error: ZodError, prefix: string[] = []): Issue[] {
  return error.issues.map((issue) => ({ path: [...prefix, ...issue.path.map(String)], message: issue.message, code: issue.code }));
}

/** A use case's validation failure, as the field list `validationError` and `invalidInput` put in `details.issues`. */
function issuesOf(error: AppError): Issue[] {
  const issues = (error.details as { issues?: Issue[] } | null | undefined)?.issues;
  return issues?.length ? issues : [{ path: [], message: error.message }];
}

/** Tributary's errors in FastAPI's style: `{"detail": "..."}` with the status `/v1` gives the same code. */
export function errorAnswer(c: Context<AppEnv>, error: AppError) {
  if (error.code === 'invalid_request') return validationAnswer(c, issuesOf(error));
  const headers: Record<string, string> = {};
  if (error.code === 'unauthorized') headers['www-authenticate'] = 'Basic realm="tributary"';
  if (error.code === 'payload_too_large') headers.connection = 'close';
  const retryAfter = error.retryAfterSeconds ?? (error.code === 'temporal_unavailable' || error.code === 'database_unavailable' ? 5 : undefined);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  return c.json({ detail: error.message }, httpStatusOf[error.code], headers);
}

/** The `onError` of this API's sub-app, so its routes never answer in `/v1`'s `{error: {...}}` shape. */
export function onOAuthConnectorsError(deps: AppDependencies) {
  return (error: Error, c: Context<AppEnv>) => {
    if (error instanceof AppError) return errorAnswer(c, error);
    if (error instanceof HTTPException && error.status === 400) {
      return c.json({ detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }] }, 422);
    }
    if (error instanceof HTTPException && error.status === 415) {
      return c.json({ detail: 'This route takes a JSON body: send it with "Content-Type: application/json"' }, 415);
    }
    const unavailable = temporalUnavailable(error) ?? databaseUnavailable(error);
    if (unavailable) {
      deps.logger.warn({ err: error, requestId: c.get('requestId') }, unavailable.message);
      return errorAnswer(c, unavailable);
    }
    deps.logger.error({ err: error, requestId: c.get('requestId') }, 'unhandled error');
    return c.json({ detail: `Internal Server Error (request ${c.get('requestId')})` }, 500);
  };
}
