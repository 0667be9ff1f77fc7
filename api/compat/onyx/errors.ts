import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { AppError, type ErrorCode } from '../../../application/errors.ts';
import type { AppDependencies } from '../../../application/dependencies.ts';
import { databaseUnavailable } from '../../database-errors.ts';
import { temporalUnavailable } from '../../workflow-errors.ts';

/** One item of FastAPI's validation answer: where (`["body", "refresh_freq"]`), what and why. */
export interface FieldProblem {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

export const httpErrorSchema = z.object({ detail: z.string() }).meta({ id: 'OnyxHTTPError', description: 'FastAPI’s HTTPException body.' });
export const validationErrorSchema = z
  .object({ detail: z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })) })
  .meta({ id: 'OnyxValidationError', description: 'FastAPI’s 422 body: one item per field, `loc` naming it.' });

/** The Onyx error answers of a route, for the OpenAPI document. */
export function onyxErrorResponses(...statuses: Array<400 | 401 | 403 | 404 | 409 | 413 | 422 | 503>) {
  const descriptions: Record<number, string> = {
    400: 'Refused by the source or by a rule of Tributary: `{"detail": "..."}`',
    401: 'Missing or invalid API key',
    403: 'The key may not do this (a viewer key changes nothing)',
    404: 'No such connector or credential in this workspace',
    409: 'Conflicts with the connector’s current state',
    413: 'Body over 1 MiB',
    422: 'A field is missing or invalid: FastAPI’s `{"detail": [{"loc", "msg", "type"}]}`',
    503: 'Temporal or the database is unreachable; retry after `Retry-After` seconds',
  };
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: descriptions[status] ?? 'Error',
        content: { 'application/json': { schema: status === 422 ? validationErrorSchema : httpErrorSchema } },
      },
    ]),
  );
}

/** A 422 in FastAPI's shape; `details.onyxProblems` carries the items to the answer. */
export function onyxValidationError(problems: FieldProblem[]): AppError {
  const summary = problems.map((problem) => `${problem.loc.join('.')}: ${problem.msg}`).join('; ');
  return new AppError('invalid_request', `Invalid request: ${summary}`, { onyxProblems: problems });
}

/** Zod issues of a part of the request (`body`, `path`, `query`) as FastAPI's items. */
export function problemsOf(error: z.ZodError, where: string): FieldProblem[] {
  return error.issues.map((issue) => ({
    loc: [where, ...issue.path.map((part) => (typeof part === 'number' ? part : String(part)))],
    msg: issue.message,
    type: issue.code,
  }));
}

/**
 * Tributary's own `invalid_request` names fields by its paths (`config.baseUrl`); `onyxLoc` turns one
 * into where the Onyx client sent it, so the answer names the field the client knows.
 */
export function inOnyxTerms(error: unknown, onyxLoc: (path: string[]) => Array<string | number>): unknown {
  if (!(error instanceof AppError) || error.code !== 'invalid_request' || hasOnyxProblems(error.details)) return error;
  const issues = (error.details as { issues?: Array<{ path: string[]; message: string; code: string }> } | null)?.issues ?? [];
  if (issues.length === 0) return error;
  return onyxValidationError(issues.map((issue) => ({ loc: onyxLoc(issue.path), msg: issue.message, type: issue.code })));
}

function hasOnyxProblems(details: unknown): details is { onyxProblems: FieldProblem[] } {
  return typeof details === 'object' && details !== null && 'onyxProblems' in details;
}

/** Onyx answers 400 where a rule refuses a request (FastAPI's HTTPException), 422 only for a malformed field. */
const statusOf: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_request: 422,
  invalid_json: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  schedule_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  quota_exceeded: 413,
  cursor_expired: 410,
  too_many_requests: 429,
  credential_check_failed: 400,
  schedule_creation_failed: 503,
  schedule_update_failed: 503,
  temporal_unavailable: 503,
  database_unavailable: 503,
  internal: 500,
};

/** Every error of the Onyx routes in FastAPI's shape; the same causes, logs and Retry-After as `/v1`. */
export function onyxErrorHandler(deps: AppDependencies) {
  return (error: Error, c: Context) => {
    if (error instanceof OnyxRefusal) return c.json({ detail: error.message }, error.status);
    const known = asAppError(error, c, deps);
    const headers: Record<string, string> = {};
    const retryAfter = known.retryAfterSeconds ?? (known.code === 'temporal_unavailable' || known.code === 'database_unavailable' ? 5 : undefined);
    if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
    if (known.code === 'payload_too_large') headers.connection = 'close';
    const status = statusOf[known.code];
    if (status === 422) return c.json({ detail: validationDetail(known) }, 422, headers);
    return c.json({ detail: known.message }, status, headers);
  };
}

function asAppError(error: Error, c: Context, deps: AppDependencies): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException && error.status === 400) {
    return onyxValidationError([{ loc: ['body', 0], msg: 'JSON decode error', type: 'json_invalid' }]);
  }
  if (error instanceof HTTPException && error.status === 415) {
    return new AppError('unsupported_media_type', 'This route takes a JSON body: send it with "Content-Type: application/json"');
  }
  const unavailable = temporalUnavailable(error) ?? databaseUnavailable(error);
  if (unavailable) {
    deps.logger.warn({ err: error, requestId: c.get('requestId') }, unavailable.message);
    return unavailable;
  }
  deps.logger.error({ err: error, requestId: c.get('requestId') }, 'unhandled error');
  return new AppError('internal', `Internal error (request ${c.get('requestId')})`);
}

/** FastAPI's items; an `invalid_request` of a shared middleware (unstorable text) says where in its message. */
function validationDetail(error: AppError): FieldProblem[] {
  if (hasOnyxProblems(error.details)) return error.details.onyxProblems;
  const where = /^Invalid (path|query)/.exec(error.message)?.[1] ?? 'body';
  const issues = (error.details as { issues?: Array<{ path: string[]; message: string; code: string }> } | null)?.issues ?? [];
  if (issues.length === 0) return [{ loc: [where], msg: error.message, type: 'value_error' }];
  return issues.map((issue) => ({ loc: [where, ...issue.path], msg: issue.message, type: issue.code }));
}

/** A refusal Onyx answers with FastAPI's HTTPException: `{"detail": "..."}` and a status of its own. */
export class OnyxRefusal extends Error {
  override name = 'OnyxRefusal';
  readonly status: 400 | 404;
  constructor(status: 400 | 404, detail: string) {
    super(detail);
    this.status = status;
  }
}
