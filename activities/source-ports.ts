import type { SourcePorts } from '../connectors/source.ts';
import type { Db } from '../db/database.ts';
import { enqueueUrls, frontierCounts, markVisited, nextUrls, resetFrontier } from '../db/repositories/crawl-frontier.ts';
import { countUploadedFiles, listUploadedFiles } from '../db/repositories/uploaded-files.ts';

/** The source ports of one connector's job, backed by the repositories. */
export function createSourcePorts(db: Db, scope: { connectorId: string; jobId: string }): SourcePorts {
  const { connectorId, jobId } = scope;
  return {
    crawlFrontier: {
      reset: () => resetFrontier(db, jobId),
      enqueue: (urls) => enqueueUrls(db, jobId, urls),
      next: (limit) => nextUrls(db, jobId, limit),
      markVisited: (url) => markVisited(db, jobId, url),
      counts: () => frontierCounts(db, jobId),
    },
    uploadedFiles: {
      async list({ afterPath, limit, since }) {
        const rows = await listUploadedFiles(db, connectorId, afterPath, limit, since);
        return rows.map((row) => ({ path: row.path, mimeType: row.mime_type, content: row.content, updatedAt: row.updated_at }));
      },
      count: () => countUploadedFiles(db, connectorId),
    },
  };
}
