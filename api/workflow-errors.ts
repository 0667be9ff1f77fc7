import { isGrpcServiceError } from '@temporalio/client';
import { AppError } from '../application/errors.ts';

// gRPC status codes UNAVAILABLE (14) and DEADLINE_EXCEEDED (4): the server could not be reached in time.
const unavailableCodes = new Set<number>([14, 4]);

/** A Temporal transport error as a 503, or undefined for any other error. */
export function temporalUnavailable(error: unknown): AppError | undefined {
  if (isGrpcServiceError(error) && unavailableCodes.has(error.code)) {
    return new AppError('temporal_unavailable', 'Temporal is unreachable; retry shortly');
  }
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause && cause !== error) return temporalUnavailable(cause);
  return undefined;
}
