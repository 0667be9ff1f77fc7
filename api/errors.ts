import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

export const errorCodes = [
  'invalid_request',
  'invalid_json',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'schedule_conflict',
  'payload_too_large',
  'credential_check_failed',
  'schedule_creation_failed',
  'schedule_update_failed',
  'temporal_unavailable',
  'database_unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** An error the client can act on; `onError` turns it into `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(status: ContentfulStatusCode, code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function errorResponse(c: Context, error: ApiError) {
  return c.json({ error: { code: error.code, message: error.message, details: error.details ?? null } }, error.status);
}

export function validationError(error: ZodError, where: string): ApiError {
  const issues = error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message, code: issue.code }));
  const summary = issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : where}: ${issue.message}`)
    .join('; ');
  return new ApiError(400, 'invalid_request', `Invalid ${where}: ${summary}`, { issues });
}
