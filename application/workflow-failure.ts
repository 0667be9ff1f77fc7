import { ApplicationFailure, type WorkflowFailedError } from '@temporalio/client';

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
