import { ApplicationFailure, WorkflowFailedError, isGrpcServiceError } from '@temporalio/client';
import { ApiError } from './errors.ts';

/** The failure type a workflow failed with, if it failed with an ApplicationFailure. */
export function workflowFailureType(error: unknown): string | undefined {
  return error instanceof WorkflowFailedError && error.cause instanceof ApplicationFailure
    ? (error.cause.type ?? undefined)
    : undefined;
}

export function workflowFailureMessage(error: WorkflowFailedError): string {
  return error.cause?.message ?? error.message;
}

// gRPC status codes UNAVAILABLE (14) and DEADLINE_EXCEEDED (4): the server could not be reached in time.
const unavailableCodes = new Set<number>([14, 4]);

/** A Temporal transport error as a 503, or undefined for any other error. */
export function temporalUnavailable(error: unknown): ApiError | undefined {
  if (isGrpcServiceError(error) && unavailableCodes.has(error.code)) {
    return new ApiError(503, 'temporal_unavailable', 'Temporal is unreachable; retry shortly');
  }
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause && cause !== error) return temporalUnavailable(cause);
  return undefined;
}
