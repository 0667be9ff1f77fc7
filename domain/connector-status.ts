import type { ConnectorState } from './connector-state.ts';
import type { SyncStatus } from './sync-job.ts';

/** Seed 001's one-word health of a connector, beside its lifecycle `state`. */
export const connectorStatuses = ['active', 'paused', 'pending', 'error', 'deleting'] as const;
export type ConnectorStatus = (typeof connectorStatuses)[number];

/**
 * `active` while it syncs as configured, `paused` when paused, `pending` until it can sync (being
 * created, waiting for a credential or its configuration), `error` when it lost access or its last
 * sync failed.
 */
export function connectorStatus(state: ConnectorState, lastSyncStatus: SyncStatus | null): ConnectorStatus {
  switch (state) {
    case 'paused':
      return 'paused';
    case 'disconnected':
      return 'error';
    case 'deleting':
      return 'deleting';
    case 'connected':
      return lastSyncStatus === 'failed' ? 'error' : 'active';
    default:
      return 'pending';
  }
}
