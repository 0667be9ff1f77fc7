import { AppError } from '../application/errors.ts';

// Connection-level failures of PostgreSQL (socket errors, class 08, the 57P0x shutdowns,
// too_many_connections, and 55000 from a server not yet in a state to serve, as a standby being
// promoted; all pass once the server is back) or a locked SQLite file.
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '55000',
  'SQLITE_BUSY',
]);
// pg and pg-pool report a lost or unobtainable connection with these messages and no code.
const unavailableMessages = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
]);

/** A database outage as a 503, or undefined for any other error. */
export function databaseUnavailable(error: unknown): AppError | undefined {
  return isConnectionFailure(error, 0) ? new AppError('database_unavailable', 'The database is unreachable; retry shortly') : undefined;
}

function isConnectionFailure(error: unknown, depth: number): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (unavailableCodes.has(code) || code.startsWith('08'))) return true;
  if (typeof message === 'string' && unavailableMessages.has(message)) return true;
  // A refused connect to each address of a host comes as an AggregateError; wrappers keep the cause.
  const inner = [cause, ...(Array.isArray(errors) ? errors : [])];
  return inner.some((candidate) => candidate !== error && isConnectionFailure(candidate, depth + 1));
}
