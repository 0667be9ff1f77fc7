import { ApplicationFailure, Context } from '@temporalio/activity';
import { findConnectorDefinition } from '../connectors/registry.ts';
import { SourceHttpError } from '../connectors/http/source-errors.ts';
import type { Checkpoint, Source } from '../connectors/source.ts';
import type { Connector } from '../domain/connector.ts';
import { findConnector } from '../db/repositories/connectors.ts';
import { deleteDocumentsNotSeenBy, markDocumentsSeen, upsertDocuments, type PreparedDocument } from '../db/repositories/documents.ts';
import {
  changeSyncJobStatus,
  commitSyncPage,
  countersOf,
  findActiveSyncJobRow,
  findSyncJobRow,
  openSyncJob,
  recordDeleted,
  restartSyncJob,
} from '../db/repositories/sync-jobs.ts';
import { newId } from '../domain/ids.ts';
import type { SyncCounters, SyncMode, SyncStatus, SyncTrigger } from '../domain/sync-job.ts';
import { openFreshCredential } from '../oauth/fresh-credential.ts';
import { parseDocument, preparedDocument } from '../sync/parse-document.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { failureTypes, nonRetryable } from './failures.ts';
import { createSourcePorts } from './source-ports.ts';

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

export type BeginSyncResult = { started: true; state: SyncState } | { started: false; activeJobId: string };

class PageAlreadyCommitted extends Error {}

export function createSyncActivities(deps: ActivityDependencies) {
  const { db, now } = deps;

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

  /** The connector's source, opened with its fresh credential, or undefined when its type cannot read yet. */
  async function openConnectorSource(connector: Connector, jobId: string, since: string | null, heartbeat: () => void): Promise<Source | undefined> {
    const definition = findConnectorDefinition(connector.type);
    if (!definition?.openSource) return undefined;
    return definition.openSource({
      config: connector.config,
      credential: connector.credentialId ? await openFreshCredential(deps, connector.credentialId) : undefined,
      fetch: deps.fetch,
      policy: deps.policy,
      connectorId: connector.id,
      jobId,
      since,
      ...createSourcePorts(db, { connectorId: connector.id, jobId }),
      environment: deps.environment,
      heartbeat,
      signal: Context.current().cancellationSignal,
    });
  }

  return {
    /**
     * Starts (or picks up) the job of a sync run. A job queued by the API is moved to running; a run
     * started by a schedule inserts its own, and the database refuses it while another is active.
     */
    async beginSync(input: { connectorId: string; trigger: SyncTrigger; mode: SyncMode; jobId?: string; workflowId: string }): Promise<BeginSyncResult> {
      const connector = await findConnector(db, input.connectorId);
      if (!connector) throw nonRetryable(failureTypes.connectorNotFound, `Connector ${input.connectorId} does not exist`);
      const at = now().toISOString();
      if (input.jobId) {
        await changeSyncJobStatus(db, input.jobId, 'running', { phase: 'reading', now: at });
        const { status: _status, ...state } = await stateOf(input.jobId);
        return { started: true, state };
      }
      const jobId = newId('job');
      const opened = await openSyncJob(db, {
        id: jobId,
        workspaceId: connector.workspaceId,
        connectorId: connector.id,
        requestedMode: input.mode,
        trigger: input.trigger,
        status: 'running',
        workflowId: input.workflowId,
        now: at,
      });
      if (!opened.opened) return { started: false, activeJobId: opened.activeJobId };
      const { status: _status, ...state } = await stateOf(jobId);
      return { started: true, state };
    },

    /**
     * Reads one page from the source, parses it and upserts it, committing documents, counters and
     * checkpoint in one transaction. A page committed by an earlier attempt is not done twice.
     */
    async syncPage(input: { jobId: string; page: number; checkpoint: Checkpoint | null }): Promise<SyncState & { done: boolean; stopped: boolean }> {
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
      const source = await openConnectorSource(connector, job.id, job.mode === 'incremental' ? job.since : null, () => context.heartbeat({ page: input.page }));
      if (!source) throw nonRetryable(failureTypes.sourceUnavailable, `Syncing ${connector.type} connectors is not available yet`);
      let page;
      try {
        context.heartbeat({ page: input.page });
        page = await source.read(input.checkpoint);
      } catch (error) {
        throw classifySourceError(error);
      } finally {
        await source.close?.();
      }

      const failures = page.failures ?? [];
      const delta: SyncCounters = {
        collected: page.documents.length + failures.length,
        parsed: 0,
        indexed: 0,
        unchanged: 0,
        deleted: 0,
        failed: failures.length,
        bytes: 0,
      };
      const prepared: PreparedDocument[] = [];
      for (const document of page.documents) {
        delta.bytes += typeof document.body === 'string' ? Buffer.byteLength(document.body) : document.body.byteLength;
        const parsed = await parseDocument(document);
        if (!parsed.ok) {
          delta.failed += 1;
          continue;
        }
        delta.parsed += 1;
        prepared.push(preparedDocument(document, parsed));
      }
      context.heartbeat({ page: input.page });
      try {
        await db.transaction().execute(async (trx) => {
          const at = now().toISOString();
          const stored = await upsertDocuments(
            trx,
            { workspaceId: connector.workspaceId, collection: connector.collection, connectorId: connector.id, jobId: job.id, now: at },
            prepared,
          );
          delta.indexed = stored.indexed;
          delta.unchanged = stored.unchanged;
          const committed = await commitSyncPage(trx, {
            jobId: job.id,
            page: input.page,
            delta,
            checkpoint: page.next ? JSON.stringify(page.next) : null,
            total: page.total ?? null,
            now: at,
          });
          if (!committed) throw new PageAlreadyCommitted();
        });
      } catch (error) {
        if (!(error instanceof PageAlreadyCommitted)) throw error;
      }
      return current();
    },

    /**
     * Removes the documents the source no longer lists, from its id listing alone (no content read).
     * Skipped while a sync runs, which removes deletions itself when it is full.
     */
    async pruneDocuments(input: { connectorId: string }): Promise<{ pruned: boolean; deleted: number; listed: number }> {
      const connector = await findConnector(db, input.connectorId);
      if (!connector) throw nonRetryable(failureTypes.connectorNotFound, `Connector ${input.connectorId} does not exist`);
      if (await findActiveSyncJobRow(db, connector.id)) return { pruned: false, deleted: 0, listed: 0 };
      const context = Context.current();
      const marker = `prune-${context.info.workflowExecution?.runId ?? newId('job')}`;
      const source = await openConnectorSource(connector, marker, null, () => context.heartbeat());
      if (!source?.listIds) return { pruned: false, deleted: 0, listed: 0 };
      let listed = 0;
      try {
        for await (const ids of source.listIds()) {
          await markDocumentsSeen(db, connector.id, marker, ids);
          listed += ids.length;
          context.heartbeat({ listed });
        }
      } catch (error) {
        throw classifySourceError(error);
      } finally {
        await source.close?.();
      }
      return { pruned: true, deleted: await deleteDocumentsNotSeenBy(db, connector.id, marker), listed };
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
      if (input.removeUnseen && input.status === 'succeeded' && ['running', 'canceling'].includes(job.status)) {
        await changeSyncJobStatus(db, job.id, job.status as SyncStatus, { phase: 'removing_deleted', now: now().toISOString() });
        const deleted = await deleteDocumentsNotSeenBy(db, job.connector_id, job.id);
        await recordDeleted(db, job.id, deleted, now().toISOString());
      }
      await changeSyncJobStatus(db, job.id, input.status, {
        phase: 'done',
        finished: true,
        now: now().toISOString(),
        ...(input.error ? { error: input.error } : {}),
      });
      return stateOf(job.id);
    },
  };
}

/** 429 waits as long as the source asked; other 5xx retry with backoff; any other 4xx stops the sync. */
function classifySourceError(error: unknown): unknown {
  if (!(error instanceof SourceHttpError)) return error;
  if (!error.retryable) return ApplicationFailure.create({ type: failureTypes.sourceRefused, message: error.message, nonRetryable: true });
  return ApplicationFailure.create({
    type: failureTypes.sourceBusy,
    message: error.message,
    ...(error.retryAfterSeconds !== undefined ? { nextRetryDelay: `${Math.ceil(error.retryAfterSeconds)}s` } : {}),
  });
}
