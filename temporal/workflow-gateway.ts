import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type WorkflowClient } from '@temporalio/client';
import type { WorkflowGateway } from '../activities/dependencies.ts';

/** How long the API waits to learn whether a workflow still runs before it answers from the database. */
const DESCRIBE_TIMEOUT_MS = 2_000;

export function temporalWorkflowGateway(workflows: WorkflowClient): WorkflowGateway {
  return {
    async cancelAndWait(workflowId) {
      const handle = workflows.getHandle(workflowId);
      try {
        const description = await handle.describe();
        if (description.status.name !== 'RUNNING') return;
        await handle.cancel();
        await handle.result().catch(() => undefined);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    },
    async startOnce(workflowType, { workflowId, taskQueue, args, staticSummary }) {
      try {
        await workflows.start(workflowType, {
          workflowId,
          taskQueue,
          args,
          staticSummary,
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        // A closed workflow under this id already did the work.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },
  };
}

/**
 * How the latest run under `workflowId` ended (`TERMINATED`, `TIMED_OUT`, `COMPLETED`, ...), or
 * `NOT_FOUND`; undefined while it runs. The latest run, so a workflow that continued as new counts as running.
 */
export async function closedWorkflowStatus(workflows: WorkflowClient, workflowId: string): Promise<string | undefined> {
  try {
    const description = await workflows.withDeadline(Date.now() + DESCRIBE_TIMEOUT_MS, () => workflows.getHandle(workflowId).describe());
    return description.status.name === 'RUNNING' ? undefined : description.status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'NOT_FOUND';
    throw error;
  }
}
