import { createConnectorActivities } from './connector-activities.ts';
import { createCredentialActivities } from './credential-activities.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { createPruneActivities } from './prune-activities.ts';
import { createScheduleActivities } from './schedule-activities.ts';
import { createSyncActivities } from './sync-activities.ts';
import { createWebhookActivities } from './webhook-activities.ts';

/** The worker's activities, built from their dependencies. */
export function createActivities(dependencies: ActivityDependencies) {
  return {
    ...createConnectorActivities(dependencies),
    ...createScheduleActivities(dependencies),
    ...createCredentialActivities(dependencies),
    ...createSyncActivities(dependencies),
    ...createPruneActivities(dependencies),
    ...createWebhookActivities(dependencies),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDependencies, WorkflowGateway } from './dependencies.ts';
