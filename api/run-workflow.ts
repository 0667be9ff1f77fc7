import { isGrpcDeadlineError, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import type { Connector } from '../domain/connector.ts';
import { connectorSearchAttributes } from '../temporal/search-attributes.ts';
import type { ApiDependencies } from './dependencies.ts';
import { ApiError } from './errors.ts';
import { workflowFailureMessage, workflowFailureType } from './workflow-errors.ts';

export type WorkflowOutcome<T> = { finished: true; result: T } | { finished: false };

/**
 * Starts a connector workflow and waits for it up to `workflowWaitMs`. Workflows of one kind for
 * one connector never overlap: a second request joins the first (`join`) or is refused with 409.
 */
export async function runConnectorWorkflow<T>(
  deps: ApiDependencies,
  options: {
    workflowType: string;
    workflowId: string;
    args: unknown[];
    connector: Pick<Connector, 'id' | 'type' | 'workspaceId'>;
    summary: string;
    onConflict: 'join' | 'refuse';
    /** Maps a workflow's ApplicationFailure type to the error the client gets. */
    failure: (type: string | undefined, message: string) => ApiError;
  },
): Promise<WorkflowOutcome<T>> {
  let handle;
  try {
    handle = await deps.temporal.workflow.start(options.workflowType, {
      workflowId: options.workflowId,
      taskQueue: deps.taskQueue,
      args: options.args,
      workflowIdConflictPolicy: options.onConflict === 'join' ? 'USE_EXISTING' : 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: connectorSearchAttributes(options.connector),
      staticSummary: options.summary,
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new ApiError(409, 'conflict', `Another change of connector ${options.connector.id} is in progress; retry when it is done`, {
        workflowId: options.workflowId,
      });
    }
    throw error;
  }
  try {
    // A deadline rather than a race, so no long poll outlives the request.
    const result = (await deps.temporal.withDeadline(Date.now() + deps.workflowWaitMs, () => handle.result())) as T;
    return { finished: true, result };
  } catch (error) {
    if (isGrpcDeadlineError(error)) return { finished: false };
    if (error instanceof WorkflowFailedError) throw options.failure(workflowFailureType(error), workflowFailureMessage(error));
    throw error;
  }
}
