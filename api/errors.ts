import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppError, ErrorCode } from '../application/errors.ts';

/** The HTTP status of each error code; one status per code, so clients may switch on either. */
export const httpStatusOf: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  schedule_conflict: 409,
  cursor_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  quota_exceeded: 413,
  too_many_requests: 429,
  credential_check_failed: 422,
  schedule_creation_failed: 503,
  schedule_update_failed: 503,
  temporal_unavailable: 503,
  database_unavailable: 503,
  internal: 500,
};

/** Seconds to wait before retrying, sent as Retry-After, for the outages that pass by themselves. */
const retryAfterSecondsOf: Partial<Record<ErrorCode, number>> = {
  temporal_unavailable: 5,
  database_unavailable: 5,
};

export function errorResponse(c: Context, error: AppError) {
  const retryAfter = error.retryAfterSeconds ?? retryAfterSecondsOf[error.code];
  const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  // An oversize body is refused unread and the server drops the connection soon after answering:
  // saying so lets the client stop sending and read the answer instead of meeting a reset.
  if (error.code === 'payload_too_large') headers.connection = 'close';
  return c.json({ error: { code: error.code, message: error.message, details: error.details ?? null } }, httpStatusOf[error.code], headers);
}
