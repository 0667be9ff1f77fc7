import { log } from '@temporalio/workflow';

/**
 * Input of `pruneConnector`, workflow id `connector-prune-<connectorId>`, started by the prune schedule.
 * @example { connectorId: 'conn_1', trigger: 'schedule' }
 */
export interface PruneConnectorInput {
  connectorId: string;
  trigger: 'schedule' | 'manual';
}

/** Placeholder run started by prune schedules until the sync engine lists source ids. */
export async function pruneConnector(input: PruneConnectorInput): Promise<{ connectorId: string; status: 'succeeded' }> {
  log.info('Prune requested', { connectorId: input.connectorId, trigger: input.trigger });
  return { connectorId: input.connectorId, status: 'succeeded' };
}
