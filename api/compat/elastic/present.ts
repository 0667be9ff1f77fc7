import type { AppDependencies } from '../../../application/dependencies.ts';
import { lastSyncsOf, type LastSync } from '../../../application/last-syncs.ts';
import { publicConnectorId } from '../../../domain/connector-ids.ts';
import type { Connector } from '../../../domain/connector.ts';
import type { Schedule } from '../../../domain/schedule.ts';
import type { SyncJob, SyncStatus } from '../../../domain/sync-job.ts';
import { elasticFieldOf } from './configuration.ts';
import { serviceTypeOf } from './wire.ts';

/** Where the Elastic-only fields of a connector are kept, in its metadata. */
export const languageKey = 'elastic.language';
export const isNativeKey = 'elastic.is_native';

/** Elastic's sync job statuses for Tributary's. */
const syncStatusOf: Record<SyncStatus, string> = {
  queued: 'pending',
  running: 'in_progress',
  canceling: 'canceling',
  canceled: 'canceled',
  succeeded: 'completed',
  failed: 'error',
};

/**
 * Elastic's connector status for a Tributary state. Elastic keeps secrets in the configuration, so a
 * missing credential is a configuration still needed; a refused one, or lost access, is an `error`.
 */
function statusOf(connector: Connector): { status: string; error: string | null } {
  switch (connector.state) {
    case 'creating':
      return { status: 'created', error: null };
    case 'needs_configuration':
      return { status: 'needs_configuration', error: null };
    case 'auth_required':
      return connector.credentialId ? { status: 'error', error: connector.stateReason } : { status: 'needs_configuration', error: null };
    case 'disconnected':
    case 'deleting':
      return { status: 'error', error: connector.stateReason };
    case 'connected':
    case 'paused':
      return { status: 'connected', error: null };
  }
}

/** A Tributary cron expression in Elastic's Quartz form (seconds first, `?` for one of the day fields). */
function quartzOf(schedule: Schedule): string | null {
  if (schedule.type !== 'cron') return schedule.type === 'manual' ? '0 0 0 * * ?' : null;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = schedule.expression.split(/\s+/);
  return `0 ${minute} ${hour} ${dayOfMonth} ${month} ${dayOfMonth === '*' ? '?' : dayOfWeek}`;
}

function shown(connector: Connector, lastSync: LastSync | undefined) {
  const { status, error } = statusOf(connector);
  const syncing = connector.state === 'connected' && connector.schedule.type !== 'manual';
  return {
    id: publicConnectorId(connector.workspaceId, connector.id),
    name: connector.name,
    description: connector.description,
    index_name: connector.collection,
    service_type: serviceTypeOf(connector.type),
    language: connector.metadata[languageKey] ?? null,
    is_native: connector.metadata[isNativeKey] === 'true',
    status,
    error,
    configuration: Object.fromEntries(
      Object.entries(connector.config).map(([field, value]) => {
        const name = elasticFieldOf(connector.type, field);
        return [name, { label: name, value }];
      }),
    ),
    scheduling: {
      full: { enabled: syncing, interval: quartzOf(connector.schedule) },
      incremental: { enabled: false, interval: quartzOf(connector.schedule) },
      access_control: { enabled: false, interval: '0 0 0 * * ?' },
    },
    last_sync_status: lastSync ? syncStatusOf[lastSync.status] : null,
    last_synced: lastSync?.finishedAt ?? null,
    sync_now: false,
    deleted: connector.state === 'deleting',
  };
}

/** Connectors as Elastic's connector documents, their last syncs read in one query. */
export async function presentConnectors(deps: AppDependencies, connectors: Connector[]) {
  const lastSyncs = await lastSyncsOf(deps, connectors);
  return connectors.map((connector) => shown(connector, lastSyncs.get(connector.id)));
}

/** A sync job as Elastic's sync job document. */
export function presentSyncJob(job: SyncJob, connector: Connector) {
  return {
    id: job.jobId,
    connector: {
      id: publicConnectorId(connector.workspaceId, connector.id),
      index_name: connector.collection,
      service_type: serviceTypeOf(connector.type),
      language: connector.metadata[languageKey] ?? null,
    },
    job_type: job.mode,
    trigger_method: job.trigger === 'schedule' ? 'scheduled' : 'on_demand',
    status: syncStatusOf[job.status],
    error: job.error,
    created_at: job.startedAt,
    started_at: job.status === 'queued' ? null : job.startedAt,
    completed_at: job.finishedAt,
    canceled_at: job.status === 'canceled' ? job.finishedAt : null,
    last_seen: job.updatedAt,
    indexed_document_count: job.progress.indexed,
    indexed_document_volume: Math.round(job.progress.bytes / (1024 * 1024)),
    deleted_document_count: job.progress.deleted,
    total_document_count: job.progress.total,
    metadata: {},
  };
}
