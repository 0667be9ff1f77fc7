import { CancelledFailure, Context } from '@temporalio/activity';
import { findConnector } from '../db/repositories/connectors.ts';
import { deleteDocumentsNotSeenBy, markDocumentsSeen } from '../db/repositories/documents.ts';
import { findSyncJobRow, recordPrune } from '../db/repositories/sync-jobs.ts';
import { classifySourceError, createConnectorSourceOpener } from './connector-source.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { failureTypes, nonRetryable } from './failures.ts';

export function createPruneActivities(deps: ActivityDependencies) {
  const { db, now } = deps;
  const openConnectorSource = createConnectorSourceOpener(deps);

  return {
    /**
     * The work of a prune job: lists the source's ids (no content read), marks them seen by this job
     * and removes the connector's documents it did not see. The job's own id is the marker, and no
     * sync runs meanwhile (one active job per connector), so no live document is taken for gone.
     */
    async pruneDocuments(input: { jobId: string }): Promise<{ deleted: number; listed: number }> {
      const job = await findSyncJobRow(db, input.jobId);
      if (!job) throw nonRetryable(failureTypes.syncJobNotFound, `Sync job ${input.jobId} does not exist`);
      const connector = await findConnector(db, job.connector_id);
      if (!connector) throw nonRetryable(failureTypes.connectorNotFound, `Connector ${job.connector_id} does not exist`);
      const context = Context.current();
      const opened = await openConnectorSource(connector, job.id, { since: null, sourceCursor: null }, () => context.heartbeat());
      if (!opened?.source.listIds) {
        await opened?.source.close?.();
        throw nonRetryable(failureTypes.sourceUnavailable, `A ${connector.type} connector cannot list its documents, so it cannot be pruned`);
      }
      const { source } = opened;
      const stopIfCanceled = () => {
        if (context.cancellationSignal.aborted) throw new CancelledFailure('Prune canceled');
      };
      let listed = 0;
      try {
        for await (const ids of source.listIds!()) {
          stopIfCanceled();
          await markDocumentsSeen(db, connector.id, job.id, ids);
          listed += ids.length;
          context.heartbeat({ listed });
        }
      } catch (error) {
        throw classifySourceError(error, connector);
      } finally {
        await source.close?.();
      }
      stopIfCanceled();
      const deleted = await deleteDocumentsNotSeenBy(db, connector.id, job.id, now().toISOString());
      await recordPrune(db, job.id, { listed, deleted }, now().toISOString());
      deps.metrics.documents(connector.type, { deleted });
      return { deleted, listed };
    },
  };
}
