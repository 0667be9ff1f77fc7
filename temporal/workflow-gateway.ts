import { WorkflowNotFoundError, type WorkflowClient } from '@temporalio/client';
import type { WorkflowGateway } from '../activities/dependencies.ts';

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
  };
}
