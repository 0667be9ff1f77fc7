import { ApplicationFailure, WorkflowFailedError, isGrpcServiceError } from '@temporalio/client';
import { ApiError } from './errors.ts';

/** The innermost ApplicationFailure of a failed workflow: the workflow's own, or an activity's it let through. */
function applicationFailure(error: WorkflowFailedError): ApplicationFailure | undefined {
  let found: ApplicationFailure | undefined;
  for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure) found = cause;
  }
  return found;
}

export function workflowFailureType(error: WorkflowFailedError): string | undefined {
  return applicationFailure(error)?.type ?? undefined;
}

export function workflowFailureMessage(error: WorkflowFailedError): string {
  return applicationFailure(error)?.message ?? error.cause?.message ?? error.message;
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
