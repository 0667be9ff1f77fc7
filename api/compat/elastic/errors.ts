import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { AppDependencies } from '../../../application/dependencies.ts';
import { AppError, type ErrorCode } from '../../../application/errors.ts';
import { databaseUnavailable } from '../../database-errors.ts';
import { httpStatusOf } from '../../errors.ts';
import type { AppEnv } from '../../principal.ts';
import { temporalUnavailable } from '../../workflow-errors.ts';

type Issue = { path: string[]; message: string };

/** Elastic's exception type for each Tributary error code; the status stays `/v1`'s. */
const elasticTypeOf: Record<ErrorCode, string> = {
  invalid_request: 'action_request_validation_exception',
  invalid_json: 'x_content_parse_exception',
  unauthorized: 'security_exception',
  forbidden: 'security_exception',
  not_found: 'resource_not_found_exception',
  conflict: 'status_exception',
  schedule_conflict: 'status_exception',
  payload_too_large: 'content_too_long_exception',
  unsupported_media_type: 'media_type_header_exception',
  quota_exceeded: 'status_exception',
  cursor_expired: 'status_exception',
  too_many_requests: 'es_rejected_execution_exception',
  credential_check_failed: 'status_exception',
  schedule_creation_failed: 'status_exception',
  schedule_update_failed: 'status_exception',
  temporal_unavailable: 'status_exception',
  database_unavailable: 'status_exception',
  internal: 'exception',
};

/** `{"error":{"root_cause":[...],"type","reason"},"status"}`, as Elasticsearch answers. */
export function elasticErrorAnswer(c: Context, type: string, reason: string, status: ContentfulStatusCode, headers: Record<string, string> = {}) {
  return c.json({ error: { root_cause: [{ type, reason }], type, reason }, status }, status, headers);
}

/** Elastic's validation reason: `Validation Failed: 1: [field] message;2: ...`. */
export function validationReason(issues: Issue[]): string {
  return `Validation Failed: ${issues.map((issue, index) => `${index + 1}: [${issue.path.join('.') || 'body'}] ${issue.message};`).join('')}`;
}

/** Zod's issues, an unknown field named by its own path as Elastic's parser does (`unknown field [colour]`). */
export function zodIssues(error: ZodError): Issue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path.map(String), key], message: 'unknown field' }))
      : [{ path: issue.path.map(String), message: issue.message }],
  );
}

/** A 400 in Elastic's style naming the field, as use cases throw it (`details.issues`). */
export function invalidField(path: string[], message: string): AppError {
  return new AppError('invalid_request', message, { issues: [{ path, message }] });
}

function issuesOf(error: AppError): Issue[] {
  const issues = (error.details as { issues?: Issue[] } | null | undefined)?.issues;
  return issues?.length ? issues : [{ path: [], message: error.message }];
}

export function errorAnswer(c: Context, error: AppError) {
  const headers: Record<string, string> = {};
  if (error.code === 'unauthorized') headers['www-authenticate'] = 'ApiKey';
  if (error.code === 'payload_too_large') headers.connection = 'close';
  const retryAfter = error.retryAfterSeconds ?? (error.code === 'temporal_unavailable' || error.code === 'database_unavailable' ? 5 : undefined);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  const reason = error.code === 'invalid_request' ? validationReason(issuesOf(error)) : error.message;
  return elasticErrorAnswer(c, elasticTypeOf[error.code], reason, httpStatusOf[error.code], headers);
}

/** The `onError` of this API's sub-app, so its routes never answer in `/v1`'s `{error: {code, ...}}` shape. */
export function onElasticError(deps: AppDependencies) {
  return (error: Error, c: Context<AppEnv>) => {
    if (error instanceof AppError) return errorAnswer(c, error);
    if (error instanceof HTTPException && error.status === 400) return errorAnswer(c, new AppError('invalid_json', 'Failed to parse the request body as JSON'));
    if (error instanceof HTTPException && error.status === 415) {
      return errorAnswer(c, new AppError('unsupported_media_type', 'This route takes a JSON body: send it with "Content-Type: application/json"'));
    }
    const unavailable = temporalUnavailable(error) ?? databaseUnavailable(error);
    if (unavailable) {
      deps.logger.warn({ err: error, requestId: c.get('requestId') }, unavailable.message);
      return errorAnswer(c, unavailable);
    }
    deps.logger.error({ err: error, requestId: c.get('requestId') }, 'unhandled error');
    return errorAnswer(c, new AppError('internal', `Internal error (request ${c.get('requestId')})`));
  };
}
