import type { ConnectorLabel } from '../activities/sync-activities.ts';
import type { SyncCounters, SyncStatus } from '../domain/sync-job.ts';

/** The connector as the Temporal UI names it: `web_scraper connector "Docs site"`; its id until the run has read it. */
export function connectorTitle(connector: ConnectorLabel | undefined, connectorId: string): string {
  return connector ? `${connector.type} connector "${connector.name}"` : `connector ${connectorId}`;
}

/**
 * The current details a job's workflow ends with, so the Temporal UI shows how the job ended:
 * `**Succeeded**: sync of web_scraper connector "Docs" (conn_1), job job_2 · 50 collected, 49 indexed, ...`.
 */
export function outcomeDetails(job: {
  kind: 'sync' | 'prune';
  title: string;
  connectorId: string;
  jobId: string;
  status: SyncStatus;
  counters: SyncCounters;
  reason?: string | undefined;
}): string {
  const { collected, indexed, unchanged, deleted, failed, skipped } = job.counters;
  const outcome = job.status.charAt(0).toUpperCase() + job.status.slice(1);
  const figures =
    job.kind === 'prune'
      ? `${collected} listed, ${deleted} deleted`
      : `${collected} collected, ${indexed} indexed, ${unchanged} unchanged, ${deleted} deleted, ${failed} failed, ${skipped} skipped`;
  return `**${outcome}**: ${job.kind} of ${job.title} (${job.connectorId}), job ${job.jobId} · ${figures}${job.reason ? `\n\n${job.reason}` : ''}`;
}
