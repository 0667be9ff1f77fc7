import { log } from '@temporalio/workflow';

/**
 * Input of `syncConnector`, workflow id `connector-sync-<connectorId>`.
 * @example { connectorId: 'conn_1', trigger: 'schedule' }
 */
export interface SyncConnectorInput {
  connectorId: string;
  trigger: 'schedule' | 'manual' | 'resync' | 'creation';
}

/** Placeholder run started by connector schedules until the sync engine reads sources. */
export async function syncConnector(input: SyncConnectorInput): Promise<{ connectorId: string; status: 'succeeded' }> {
  log.info('Sync requested', { connectorId: input.connectorId, trigger: input.trigger });
  return { connectorId: input.connectorId, status: 'succeeded' };
}
