export { bindCredential, type BindCredentialInput, type BindCredentialResult } from './bind-credential.ts';
export { createConnector, type CreateConnectorInput } from './create-connector.ts';
export { deleteConnector, type DeleteConnectorInput } from './delete-connector.ts';
export { deliverWebhookEvent, type DeliverWebhookEventInput } from './deliver-webhook-event.ts';
export { disconnectConnector, type DisconnectConnectorInput } from './disconnect-connector.ts';
export { pauseConnector, resumeConnector, type ConnectorStateChangeInput } from './pause-resume-connector.ts';
export { pruneConnector, type PruneConnectorInput } from './prune-connector.ts';
export { syncConnector, type SyncConnectorInput } from './sync-connector.ts';
export { updateConnector, type UpdateConnectorInput } from './update-connector.ts';
