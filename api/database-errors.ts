import { AppError } from '../application/errors.ts';

// Connection-level failures of PostgreSQL (socket errors, class 08 and 57P0x) or a locked SQLite file.
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P02', '57P03', 'SQLITE_BUSY']);

/** A database outage as a 503, or undefined for any other error. */
export function databaseUnavailable(error: unknown): AppError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (unavailableCodes.has(code) || code.startsWith('08'))) {
    return new AppError('database_unavailable', 'The database is unreachable; retry shortly');
  }
  return undefined;
}
