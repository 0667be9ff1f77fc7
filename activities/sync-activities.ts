import { Context, log } from '@temporalio/activity';
import type { Checkpoint, Source, SourcePage } from '../connectors/source.ts';
import type { Connector } from '../domain/connector.ts';
import { resetFrontier } from '../db/repositories/crawl-frontier.ts';
import { listSyncFailures, recordSyncFailures } from '../db/repositories/sync-failures.ts';
import { findConnector } from '../db/repositories/connectors.ts';
import { deleteDocumentsByExternalId, deleteDocumentsNotSeenBy, upsertDocuments } from '../db/repositories/documents.ts';
import { compactDocumentChanges } from '../db/repositories/document-changes.ts';
import {
  changeSyncJobStatus,
  commitSyncPage,
  countersOf,
  findSyncJobRow,
  recordDeleted,
  recordRateLimit,
  restartSyncJob,
} from '../db/repositories/sync-jobs.ts';
import { keepSourceCursor, openSyncJob } from '../db/repositories/sync-job-start.ts';
import { SourceRateLimitedError } from '../connectors/http/source-errors.ts';
import { newId } from '../domain/ids.ts';
import { activeSyncStatuses, type SyncCounters, type SyncJobKind, type SyncMode, type SyncStatus, type SyncTrigger } from '../domain/sync-job.ts';
import { preparePage } from '../sync/prepare-page.ts';
import { readPagesAhead } from '../sync/read-ahead.ts';
import type { StagedCrawlFrontier } from './staged-crawl-frontier.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { failureTypes, nonRetryable } from './failures.ts';
import { classifySourceError, createConnectorSourceOpener } from './connector-source.ts';
import { createWebhookAnnouncer } from './webhook-activities.ts';

/** What a sync run carries from page to page; small, since it travels through workflow history. */
export interface SyncState {
  jobId: string;
  mode: SyncMode;
  page: number;
  checkpoint: Checkpoint | null;
  counters: SyncCounters;
  total: number | null;
  startedAt: string;
}

/** How a workflow names the connector it runs for, in the Temporal UI. */
export interface ConnectorLabel {
  name: string;
  type: string;
}

export type BeginSyncResult = { started: true; state: SyncState; connector: ConnectorLabel } | { started: false; activeJobId: string };

class PageAlreadyCommitted extends Error {}

/** How long one activity goes on committing pages before it reports back to the workflow. */
const PAGES_FOR_MS = 1000;

export function createSyncActivities(deps: ActivityDependencies) {
  const { db, now } = deps;
  const openConnectorSource = createConnectorSourceOpener(deps);
  const webhooks = createWebhookAnnouncer(deps);

  async function stateOf(jobId: string): Promise<SyncState & { status: SyncStatus }> {
    const row = await findSyncJobRow(db, jobId);
    if (!row) throw nonRetryable(failureTypes.syncJobNotFound, `Sync job ${jobId} does not exist`);
    return {
      jobId,
      mode: row.mode as SyncMode,
      page: row.page,
      checkpoint: row.checkpoint ? (JSON.parse(row.checkpoint) as Checkpoint) : null,
      counters: countersOf(row),
      total: row.total === null ? null : Number(row.total),
      startedAt: row.started_at,
      status: row.status as SyncStatus,
    };
  }

  async function everyItemFailedReason(jobId: string, failed: number): Promise<string> {
    const [first] = await listSyncFailures(db, jobId, { limit: 1 });
    return `All ${failed} items failed${first ? `; the first, ${first.externalId}, at ${first.stage}: ${first.error}` : ''}`;
  }

  /** Parses and upserts one page and commits it with the job's counters and checkpoint; false when the job no longer takes it. */
  async function commitPage(connector: Connector, jobId: string, pageNumber: number, page: SourcePage, frontier: StagedCrawlFrontier): Promise<boolean> {
    const { documents, failures, sanitized, delta } = await preparePage(page, deps.limits);
    const committed = await db
      .transaction()
      .execute(async (trx) => {
        const at = now().toISOString();
        const stored = await upsertDocuments(
          trx,
          { workspaceId: connector.workspaceId, collection: connector.collection, connectorId: connector.id, jobId, now: at },
          documents,
        );
        delta.indexed = stored.indexed;
        delta.unchanged = stored.unchanged;
        // Ids the page also holds are the source's latest word on them, so they stay.
        const written = new Set(documents.map((document) => document.externalId));
        delta.deleted = await deleteDocumentsByExternalId(
          trx,
          connector.id,
          (page.deleted ?? []).filter((externalId) => !written.has(externalId)),
          { jobId, now: at },
        );
        const pageCommitted = await commitSyncPage(trx, {
          jobId,
          page: pageNumber,
          delta,
          checkpoint: page.next ? JSON.stringify(page.next) : null,
          total: page.total ?? null,
          nextSourceCursor: page.nextCursor,
          now: at,
        });
        if (!pageCommitted) throw new PageAlreadyCommitted();
        // The crawl's progress and the page's failures commit with the page, so a page that never
        // commits is fetched again in full by its retry.
        await frontier.commit(trx);
        await recordSyncFailures(trx, { jobId, connectorId: connector.id, now: at }, failures);
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof PageAlreadyCommitted) return false;
        throw error;
      });
    // A page an earlier attempt committed logged and counted its items then.
    if (!committed) return false;
    deps.metrics.documents(connector.type, delta);
    for (const externalId of sanitized) {
      log.warn('Sync item stored with NUL characters or broken UTF-16 removed', { jobId, connectorId: connector.id, externalId });
    }
    for (const failure of failures) {
      log.warn(failure.stage === 'skip' ? 'Sync item skipped' : 'Sync item failed', {
        jobId,
        connectorId: connector.id,
        externalId: failure.externalId,
        stage: failure.stage,
        error: failure.error,
      });
    }
    return true;
  }

  return {
    /**
     * Starts (or picks up) the job of a sync or prune run. A job queued by the API is moved to running;
     * a run started by a schedule inserts its own, and the database refuses it while another job of
     * the connector is active, so a prune and a sync never overlap.
     */
    async beginSync(input: {
      connectorId: string;
      trigger: SyncTrigger;
      mode: SyncMode;
      kind?: SyncJobKind;
      jobId?: string;
      workflowId: string;
    }): Promise<BeginSyncResult> {
      const connector = await findConnector(db, input.connectorId);
      if (!connector) throw nonRetryable(failureTypes.connectorNotFound, `Connector ${input.connectorId} does not exist`);
      if (connector.state === 'deleting') throw nonRetryable(failureTypes.connectorNotFound, `Connector ${input.connectorId} is being deleted`);
      const at = now().toISOString();
      const label = { name: connector.name, type: connector.type };
      if (input.jobId) {
        await changeSyncJobStatus(db, input.jobId, 'running', { phase: 'reading', now: at });
        const { status: _status, ...state } = await stateOf(input.jobId);
        return { started: true, state, connector: label };
      }
      const jobId = newId('job');
      const opened = await openSyncJob(db, {
        id: jobId,
        workspaceId: connector.workspaceId,
        connectorId: connector.id,
        kind: input.kind ?? 'sync',
        requestedMode: input.mode,
        trigger: input.trigger,
        status: 'running',
        workflowId: input.workflowId,
        now: at,
      });
      if (!opened.opened) return { started: false, activeJobId: opened.activeJobId };
      const { status: _status, ...state } = await stateOf(jobId);
      return { started: true, state, connector: label };
    },

    /**
     * Reads pages from the source, one ahead of the page being written, parsing and upserting each and
     * committing its documents, counters and checkpoint in one transaction, until about a second has
     * passed, `maxPages` are committed, the source is done, or the job stopped. Returns the state after the last committed page.
     * A page committed by an earlier attempt is not done twice.
     */
    async syncPage(input: {
      jobId: string;
      page: number;
      checkpoint: Checkpoint | null;
      /** Pages this call commits at most, so a run continues as new after the pages it is allowed. */
      maxPages?: number;
    }): Promise<SyncState & { done: boolean; stopped: boolean }> {
      const job = await findSyncJobRow(db, input.jobId);
      if (!job) throw nonRetryable(failureTypes.syncJobNotFound, `Sync job ${input.jobId} does not exist`);
      const current = async () => {
        const { status, ...state } = await stateOf(input.jobId);
        return { ...state, done: state.page > input.page && state.checkpoint === null, stopped: !['running', 'canceling'].includes(status) };
      };
      if (job.page > input.page || !['running', 'canceling'].includes(job.status)) return current();

      const connector = await findConnector(db, job.connector_id);
      if (!connector) throw nonRetryable(failureTypes.connectorNotFound, `Connector ${job.connector_id} was deleted`);
      const context = Context.current();
      const start = job.mode === 'incremental' ? { since: job.since, sourceCursor: job.source_cursor } : { since: null, sourceCursor: null };
      // The page being read, for the heartbeats the source sends while it reads.
      let page = input.page;
      const opened = await openConnectorSource(connector, job.id, start, () => context.heartbeat({ page }));
      if (!opened) throw nonRetryable(failureTypes.sourceUnavailable, `Tributary has no reader for ${connector.type} connectors`);
      const { source, frontier } = opened;
      if (job.phase === 'rate_limited') await recordRateLimit(db, job.id, null, now().toISOString());
      const reading: Source = {
        sequential: source.sequential ?? false,
        read: async (checkpoint) => {
          try {
            return await source.read(checkpoint);
          } catch (error) {
            // The workflow waits in this activity's retry, so the row is where the status learns of the limit.
            if (error instanceof SourceRateLimitedError) await recordRateLimit(db, job.id, error.resumeAt.toISOString(), now().toISOString());
            throw classifySourceError(error, connector);
          }
        },
      };
      // The workflow learns of progress when the activity returns, so it returns about every second.
      const deadline = Date.now() + PAGES_FOR_MS;
      try {
        context.heartbeat({ page });
        await readPagesAhead(
          reading,
          input.checkpoint,
          {
            // Asked as a page arrives, before it is committed: whether to read the one after it.
            more: () => Date.now() < deadline && page - input.page + 1 < (input.maxPages ?? Infinity) && !context.cancellationSignal.aborted,
          },
          async (read) => {
            const committed = await commitPage(connector, job.id, page, read, frontier);
            page += 1;
            context.heartbeat({ page });
            return committed;
          },
        );
      } finally {
        await source.close?.();
      }
      return current();
    },

    /** Restarts the job as a full sync from the first page (the `resync` signal). */
    async restartSync(jobId: string): Promise<SyncState> {
      await restartSyncJob(db, jobId, now().toISOString());
      const { status: _status, ...state } = await stateOf(jobId);
      return state;
    },

    /** Ends the job; a successful full sync first removes the documents the source no longer has. */
    async finishSync(input: {
      jobId: string;
      status: 'succeeded' | 'canceled' | 'failed';
      error?: string;
      removeUnseen: boolean;
    }): Promise<SyncState & { status: SyncStatus }> {
      const job = await findSyncJobRow(db, input.jobId);
      if (!job) throw nonRetryable(failureTypes.syncJobNotFound, `Sync job ${input.jobId} does not exist`);
      const everyItemFailed = job.kind === 'sync' && Number(job.failed) > 0 && Number(job.failed) === Number(job.collected);
      const status = input.status === 'succeeded' && everyItemFailed ? 'failed' : input.status;
      const error = status === input.status ? input.error : await everyItemFailedReason(job.id, Number(job.failed));
      if (status === 'succeeded') await keepSourceCursor(db, job.id);
      const connectorType = (await findConnector(db, job.connector_id))?.type ?? 'unknown';
      if (input.removeUnseen && status === 'succeeded' && ['running', 'canceling'].includes(job.status)) {
        await changeSyncJobStatus(db, job.id, job.status as SyncStatus, { phase: 'removing_deleted', now: now().toISOString() });
        const deleted = await deleteDocumentsNotSeenBy(db, job.connector_id, job.id, now().toISOString());
        await recordDeleted(db, job.id, deleted, now().toISOString());
        deps.metrics.documents(connectorType, { deleted });
      }
      const finishedAt = now();
      const ended = await changeSyncJobStatus(db, job.id, status, {
        phase: 'done',
        finished: true,
        now: finishedAt.toISOString(),
        ...(error ? { error } : {}),
      });
      // Only the call that ended the job counts it, so a retried finish counts once.
      if (ended && activeSyncStatuses.includes(job.status as SyncStatus)) {
        deps.metrics.jobFinished(connectorType, job.kind as SyncJobKind, status, (finishedAt.getTime() - Date.parse(job.started_at)) / 1000);
      }
      await resetFrontier(db, job.id);
      // Every job's end compacts its collection's feed, so a feed nobody reads stays bounded too.
      const connector = await findConnector(db, job.connector_id);
      if (connector) {
        const olderThan = new Date(now().getTime() - deps.limits.changeFeedRetentionMs).toISOString();
        await compactDocumentChanges(db, { workspaceId: connector.workspaceId, collection: connector.collection, olderThan });
      }
      const finished = await findSyncJobRow(db, job.id);
      if (finished?.kind === 'sync') await webhooks.syncEnded(finished);
      return stateOf(job.id);
    },
  };
}
