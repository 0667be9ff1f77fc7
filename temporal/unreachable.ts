import { isGrpcServiceError } from '@temporalio/client';

// gRPC status codes UNAVAILABLE (14) and DEADLINE_EXCEEDED (4): the server could not be reached in time.
const unreachableCodes = new Set<number>([14, 4]);

/** Whether an error, or one it wraps, says Temporal could not be reached in time. */
export function isTemporalUnreachable(error: unknown): boolean {
  if (isGrpcServiceError(error) && unreachableCodes.has(error.code)) return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error && isTemporalUnreachable(cause);
}
