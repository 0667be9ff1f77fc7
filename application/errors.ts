import type { ZodError } from 'zod';

export const errorCodes = [
  'invalid_request',
  'invalid_json',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'schedule_conflict',
  'cursor_expired',
  'payload_too_large',
  'unsupported_media_type',
  'quota_exceeded',
  'too_many_requests',
  'credential_check_failed',
  'schedule_creation_failed',
  'schedule_update_failed',
  'temporal_unavailable',
  'database_unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/**
 * An outcome the caller can act on. Use cases throw it; each API (`/v1`, the seed adapters) presents
 * it in its own shape, the status following from the code.
 * @example throw new AppError('not_found', `Connector ${id} not found`)
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly details: unknown;
  /** Seconds the client should wait before trying again, sent as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;
  constructor(code: ErrorCode, message: string, details?: unknown, options: { retryAfterSeconds?: number } = {}) {
    super(message);
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A 400 for one field, shaped like a schema failure: `details.issues` with the field's path. */
export function invalidInput(path: string[], message: string): AppError {
  return new AppError('invalid_request', `Invalid request body: ${path.join('.')}: ${message}`, { issues: [{ path, message, code: 'custom' }] });
}

/**
 * A 400 listing each schema issue with its path (under `prefix` when the schema checked a part of the
 * input, e.g. a connector's `config`); the message names the first five.
 */
export function validationError(error: ZodError, where: string, prefix: string[] = []): AppError {
  const issues = error.issues.map((issue) => ({ path: [...prefix, ...issue.path.map(String)], message: issue.message, code: issue.code }));
  const summary = issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : where}: ${issue.message}`)
    .join('; ');
  return new AppError('invalid_request', `Invalid ${where}: ${summary}`, { issues });
}
