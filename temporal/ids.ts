/** Workflow and schedule ids say what they are, so the Temporal UI reads like the domain. */
export const workflowIds = {
  createConnector: (connectorId: string) => `connector-create-${connectorId}`,
  connectorSchedule: (connectorId: string) => `connector-schedule-${connectorId}`,
  syncConnector: (connectorId: string) => `connector-sync-${connectorId}`,
  /** A sync started through the API: one workflow per job, as schedules also suffix theirs. */
  syncJob: (connectorId: string, jobId: string) => `connector-sync-${connectorId}-${jobId}`,
  connectorPruneSchedule: (connectorId: string) => `connector-prune-schedule-${connectorId}`,
  pruneConnector: (connectorId: string) => `connector-prune-${connectorId}`,
  bindCredential: (connectorId: string) => `connector-bind-${connectorId}`,
  updateConnector: (connectorId: string) => `connector-update-${connectorId}`,
  pauseConnector: (connectorId: string) => `connector-pause-${connectorId}`,
  resumeConnector: (connectorId: string) => `connector-resume-${connectorId}`,
  deleteConnector: (connectorId: string) => `connector-delete-${connectorId}`,
};
