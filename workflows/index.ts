export { createConnector, type CreateConnectorInput } from './create-connector.ts';
export { syncConnector, type SyncConnectorInput } from './sync-connector.ts';
