import { createConnectorActivities } from './connector-activities.ts';
import type { ActivityDependencies } from './dependencies.ts';

/** The worker's activities, built from their dependencies. */
export function createActivities(dependencies: ActivityDependencies) {
  return {
    ...createConnectorActivities(dependencies),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDependencies } from './dependencies.ts';
