import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { z } from 'zod';
import type { AppDependencies } from '../../../application/dependencies.ts';
import { AppError } from '../../../application/errors.ts';
import { databaseUnavailable } from '../../database-errors.ts';
import { httpStatusOf } from '../../errors.ts';
import { temporalUnavailable } from '../../workflow-errors.ts';

/** One entry of FastAPI's 422 answer. */
export interface ValidationIssue {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

export const validationErrorBodySchema = z
  .object({ detail: z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })) })
  .meta({ id: 'SchedulerHTTPValidationError' });

export const httpExceptionBodySchema = z.object({ detail: z.string() }).meta({ id: 'SchedulerHTTPException' });

/** A request the seed's FastAPI service would refuse with 422, named as FastAPI's own exception. */
export class RequestValidationError extends Error {
  override name = 'RequestValidationError';
  readonly detail: ValidationIssue[];
  constructor(detail: ValidationIssue[]) {
    super(detail.map((issue) => `${issue.loc.join('.')}: ${issue.msg}`).join('; '));
    this.detail = detail;
  }
}

/** Where a path of Tributary's create body came from in the seed's request, and what to add to a message about it. */
export interface SeedPaths {
  locOf: (path: readonly string[]) => Array<string | number>;
  explain: (path: readonly string[], message: string) => string;
}

function isAbsent(input: unknown, path: readonly PropertyKey[]): boolean {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return true;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === undefined;
}

/**
 * Zod's issues with `input` as FastAPI's: a field that is absent is `missing` / "Field required",
 * as pydantic says it; the input itself is never echoed, as it may hold a secret.
 */
export function validationIssuesOf(error: ZodError, input: unknown, paths: SeedPaths): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    const missing = issue.code === 'invalid_type' && isAbsent(input, issue.path);
    return {
      loc: paths.locOf(path),
      msg: paths.explain(path, missing ? 'Field required' : issue.message),
      type: missing ? 'missing' : issue.code,
    };
  });
}

/** A use case's 400 with `details.issues` (paths of Tributary's create body) as a 422 of the seed's request. */
export function requestValidationErrorOf(error: AppError, paths: SeedPaths): RequestValidationError {
  const issues = (error.details as { issues?: Array<{ path: string[]; message: string; code: string }> } | null)?.issues;
  if (!issues?.length) return new RequestValidationError([{ loc: ['body'], msg: error.message, type: 'value_error' }]);
  return new RequestValidationError(issues.map((issue) => ({ loc: paths.locOf(issue.path), msg: paths.explain(issue.path, issue.message), type: issue.code })));
}

/** Paths of a request that is sent as it is: under `body`. */
export const bodyPaths: SeedPaths = { locOf: (path) => ['body', ...path], explain: (_path, message) => message };

/**
 * The seed's error answers, as FastAPI gives them: `{"detail": "..."}` with the status of the error
 * (`HTTPException`), `{"detail": [{loc, msg, type}]}` with 422 for a request that fails validation.
 */
export function schedulerErrorAnswer(deps: Pick<AppDependencies, 'logger'>, error: Error, c: Context) {
  if (error instanceof RequestValidationError) return c.json({ detail: error.detail }, 422);
  if (error instanceof HTTPException && error.status === 400) {
    return c.json({ detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] }, 422);
  }
  if (error instanceof HTTPException) return c.json({ detail: error.message }, error.status);
  const known = error instanceof AppError ? error : (temporalUnavailable(error) ?? databaseUnavailable(error));
  if (known?.code === 'invalid_request') return c.json({ detail: requestValidationErrorOf(known, bodyPaths).detail }, 422);
  if (known) {
    if (!(error instanceof AppError)) deps.logger.warn({ err: error, requestId: c.get('requestId') }, known.message);
    const retryAfter = known.retryAfterSeconds ?? (httpStatusOf[known.code] === 503 ? 5 : undefined);
    return c.json({ detail: known.message }, httpStatusOf[known.code], retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) });
  }
  deps.logger.error({ err: error, requestId: c.get('requestId') }, 'unhandled error');
  return c.json({ detail: `Internal Server Error (request ${c.get('requestId')})` }, 500);
}
