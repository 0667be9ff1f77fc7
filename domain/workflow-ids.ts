/** Workflow and schedule ids say what they are, so the Temporal UI reads like the domain. */
export const workflowIds = {
  createConnector: (connectorId: string) => `connector-create-${connectorId}`,
  connectorSchedule: (connectorId: string) => `connector-schedule-${connectorId}`,
  syncConnector: (connectorId: string) => `connector-sync-${connectorId}`,
  /** A sync started through the API: one workflow per job, as schedules also suffix theirs. */
  syncJob: (connectorId: string, jobId: string) => `connector-sync-${connectorId}-${jobId}`,
  connectorPruneSchedule: (connectorId: string) => `connector-prune-schedule-${connectorId}`,
  pruneConnector: (connectorId: string) => `connector-prune-${connectorId}`,
  /**
   * Every change of an existing connector (update, bind, pause, resume, disconnect) runs under this one
   * id, so they run one at a time; the workflow type says which change it is.
   */
  connectorChange: (connectorId: string) => `connector-change-${connectorId}`,
  deleteConnector: (connectorId: string) => `connector-delete-${connectorId}`,
  /** One per (event, webhook): the delivery id is derived from both, so an event is never delivered twice. */
  webhookDelivery: (deliveryId: string) => `webhook-${deliveryId}`,
};
