import { shownConnectorId } from '../domain/connector-ids.ts';
import {
  isGrpcCancelledError,
  isGrpcDeadlineError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Workflow,
  type WorkflowResultType,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { Connector } from '../domain/connector.ts';
import { connectorSearchAttributes } from '../temporal/search-attributes.ts';
import { isTemporalUnreachable } from '../temporal/unreachable.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';
import { workflowFailureMessage, workflowFailureType } from './workflow-failure.ts';

export type WorkflowOutcome<T> = { finished: true; result: T } | { finished: false };

/**
 * Starts a connector workflow and waits for it up to `workflowWaitMs`. Workflows under one id never
 * overlap: a second request joins the first (`join`, a repeated creation), or waits for it to close
 * and then runs (`wait`, the changes of one connector, which share one id); 409 if it is still
 * running when the time is up. Not finished when the time is up or Temporal stops answering after the start.
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
    onConflict: 'join' | 'wait';
    /** Maps a workflow's ApplicationFailure type to the error the client gets. */
    failure: (type: string | undefined, message: string) => AppError;
  },
): Promise<WorkflowOutcome<WorkflowResultType<W>>> {
  const deadline = Date.now() + deps.workflowWaitMs;
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
  let handle;
  for (;;) {
    try {
      handle = await deps.temporal.workflow.start(options.workflow, startOptions);
      break;
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      if (!(await closedBefore(deps, options.workflowId, deadline))) {
        throw new AppError('conflict', `Another change of connector ${shownConnectorId(options.connector)} is in progress; retry when it is done`, {
          workflowId: options.workflowId,
        });
      }
    }
  }
  try {
    // A deadline rather than a race, so no long poll outlives the request.
    const result = await deps.temporal.withDeadline(deadline, () => handle.result());
    return { finished: true, result };
  } catch (error) {
    // A deadline that passes before a call goes out comes back CANCELLED rather than DEADLINE_EXCEEDED.
    if (isGrpcDeadlineError(error) || (isGrpcCancelledError(error) && Date.now() >= deadline)) return { finished: false };
    // Once Temporal has accepted the start the change is durable and goes on after an outage: a 503
    // would tell the client that nothing happened and invite a second change.
    if (isTemporalUnreachable(error)) return { finished: false };
    if (error instanceof WorkflowFailedError) throw options.failure(workflowFailureType(error), workflowFailureMessage(error));
    throw error;
  }
}

/** Waits until the workflow running under `workflowId` has closed, however it ended; false if the deadline came first. */
async function closedBefore(deps: AppDependencies, workflowId: string, deadline: number): Promise<boolean> {
  try {
    await deps.temporal.withDeadline(deadline, () => deps.temporal.workflow.getHandle(workflowId).result());
    return true;
  } catch (error) {
    if (isGrpcDeadlineError(error) || (isGrpcCancelledError(error) && Date.now() >= deadline)) return false;
    if (error instanceof WorkflowFailedError || error instanceof WorkflowNotFoundError) return true;
    throw error;
  }
}
