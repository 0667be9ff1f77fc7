import { proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';

const { pruneDocuments } = proxyActivities<Pick<Activities, 'pruneDocuments'>>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 8 },
});

/**
 * Input of `pruneConnector`, workflow id `connector-prune-<connectorId>`, started by the prune schedule.
 * @example { connectorId: 'conn_1', trigger: 'schedule' }
 */
export interface PruneConnectorInput {
  connectorId: string;
  trigger: 'schedule' | 'manual';
}

/** Removes the documents whose ids the source no longer lists, without reading any content. */
export async function pruneConnector(input: PruneConnectorInput): Promise<{ connectorId: string; pruned: boolean; deleted: number; listed: number }> {
  setCurrentDetails(`Pruning connector **${input.connectorId}**`);
  return { connectorId: input.connectorId, ...(await pruneDocuments({ connectorId: input.connectorId })) };
}
