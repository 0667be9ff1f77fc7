import {
  isGrpcCancelledError,
  isGrpcDeadlineError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type Workflow,
  type WorkflowResultType,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { Connector } from '../domain/connector.ts';
import { connectorSearchAttributes } from '../temporal/search-attributes.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';
import { workflowFailureMessage, workflowFailureType } from './workflow-failure.ts';

export type WorkflowOutcome<T> = { finished: true; result: T } | { finished: false };

/**
 * Starts a connector workflow and waits for it up to `workflowWaitMs`. Workflows of one kind for
 * one connector never overlap: a second request joins the first (`join`) or is refused with 409.
 */
export async function runConnectorWorkflow<W extends Workflow>(
  deps: AppDependencies,
  options: {
    /** The workflow function itself, so its input and result types follow it. */
    workflow: W;
    workflowId: string;
    args: Parameters<W>;
    connector: Pick<Connector, 'id' | 'type' | 'workspaceId'>;
    summary: string;
    onConflict: 'join' | 'refuse';
    /** Maps a workflow's ApplicationFailure type to the error the client gets. */
    failure: (type: string | undefined, message: string) => AppError;
  },
): Promise<WorkflowOutcome<WorkflowResultType<W>>> {
  let handle;
  try {
    // The generic args cannot be narrowed to the SDK's conditional tuple type; callers are typed by W.
    const startOptions = {
      workflowId: options.workflowId,
      taskQueue: deps.taskQueue,
      args: options.args,
      workflowIdConflictPolicy: options.onConflict === 'join' ? 'USE_EXISTING' : 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: connectorSearchAttributes(options.connector),
      staticSummary: options.summary,
    } as unknown as WorkflowStartOptions<W>;
    handle = await deps.temporal.workflow.start(options.workflow, startOptions);
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new AppError('conflict', `Another change of connector ${options.connector.id} is in progress; retry when it is done`, {
        workflowId: options.workflowId,
      });
    }
    throw error;
  }
  const deadline = Date.now() + deps.workflowWaitMs;
  try {
    // A deadline rather than a race, so no long poll outlives the request.
    const result = await deps.temporal.withDeadline(deadline, () => handle.result());
    return { finished: true, result };
  } catch (error) {
    // A deadline that passes before a call goes out comes back CANCELLED rather than DEADLINE_EXCEEDED.
    if (isGrpcDeadlineError(error) || (isGrpcCancelledError(error) && Date.now() >= deadline)) return { finished: false };
    if (error instanceof WorkflowFailedError) throw options.failure(workflowFailureType(error), workflowFailureMessage(error));
    throw error;
  }
}
