/** Workflow and schedule ids say what they are, so the Temporal UI reads like the domain. */
export const workflowIds = {
  createConnector: (connectorId: string) => `connector-create-${connectorId}`,
  connectorSchedule: (connectorId: string) => `connector-schedule-${connectorId}`,
  syncConnector: (connectorId: string) => `connector-sync-${connectorId}`,
};
