import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Db } from '../db/database.ts';
import { countActiveSyncJobs } from '../db/repositories/sync-jobs.ts';
import type { SyncCounters, SyncJobKind, SyncStatus } from '../domain/sync-job.ts';

/** What the sync and prune activities report as they go; Prometheus figures of the worker. */
export interface SyncMetrics {
  /** Documents a committed page (or a prune, or a full sync's removal of unseen ones) indexed, failed or deleted. */
  documents(connectorType: string, counts: Partial<Pick<SyncCounters, 'indexed' | 'failed' | 'deleted'>>): void;
  /** A job this worker ended, with how long it ran from its start. */
  jobFinished(connectorType: string, kind: SyncJobKind, status: SyncStatus, seconds: number): void;
  /** A source answered with a rate limit that asks us to wait this long. */
  rateLimited(connectorType: string, seconds: number): void;
}

/** Registers the sync figures in the worker's registry and answers the recorder the activities use. */
export function createSyncMetrics(registry: Registry, db: Db): SyncMetrics {
  const documents = new Counter({
    name: 'tributary_sync_documents_total',
    help: 'Documents indexed, failed and deleted by syncs and prunes, by connector type',
    labelNames: ['connector_type', 'outcome'] as const,
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'tributary_sync_job_duration_seconds',
    help: 'Time from the start of a sync or prune job to its end, by connector type, kind and outcome',
    labelNames: ['connector_type', 'kind', 'status'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600],
    registers: [registry],
  });
  const rateLimitWaits = new Counter({
    name: 'tributary_sync_rate_limit_waits_total',
    help: 'Rate-limited answers of sources that said when to ask again, by connector type',
    labelNames: ['connector_type'] as const,
    registers: [registry],
  });
  const rateLimitSeconds = new Counter({
    name: 'tributary_sync_rate_limit_wait_seconds_total',
    help: 'Seconds sources asked syncs to wait, by connector type',
    labelNames: ['connector_type'] as const,
    registers: [registry],
  });
  trackActiveSyncJobs(registry, db);
  return {
    documents(connectorType, counts) {
      for (const outcome of ['indexed', 'failed', 'deleted'] as const) {
        const count = counts[outcome] ?? 0;
        if (count > 0) documents.inc({ connector_type: connectorType, outcome }, count);
      }
    },
    jobFinished(connectorType, kind, status, seconds) {
      jobDuration.observe({ connector_type: connectorType, kind, status }, Math.max(0, seconds));
    },
    rateLimited(connectorType, seconds) {
      rateLimitWaits.inc({ connector_type: connectorType });
      rateLimitSeconds.inc({ connector_type: connectorType }, Math.max(0, seconds));
    },
  };
}

/**
 * Active jobs (queued, running, canceling) of the whole deployment, read from the database when
 * scraped: the database, not a process, knows every job, so the API and every worker report the same.
 */
export function trackActiveSyncJobs(registry: Registry, db: Db): void {
  new Gauge({
    name: 'tributary_sync_jobs_active',
    help: 'Sync and prune jobs queued, running or canceling, by kind and connector type (the whole deployment)',
    labelNames: ['kind', 'connector_type'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const row of await countActiveSyncJobs(db)) this.set({ kind: row.kind, connector_type: row.connectorType }, row.count);
      } catch {
        // A database outage leaves the gauge empty rather than failing the whole scrape.
      }
    },
  });
}
