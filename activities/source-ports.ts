import type { SourcePorts } from '../connectors/source.ts';
import type { Db } from '../db/database.ts';
import { countUploadedFiles, listUploadedFiles, readUploadedFileContents } from '../db/repositories/uploaded-files.ts';
import { stagedCrawlFrontier, type StagedCrawlFrontier } from './staged-crawl-frontier.ts';

/** The source ports of one connector's job, backed by the repositories; the frontier commits with its page. */
export function createSourcePorts(db: Db, scope: { connectorId: string; jobId: string }): SourcePorts & { crawlFrontier: StagedCrawlFrontier } {
  const { connectorId, jobId } = scope;
  return {
    crawlFrontier: stagedCrawlFrontier(db, jobId),
    uploadedFiles: {
      async list({ afterPath, limit, since }) {
        const rows = await listUploadedFiles(db, connectorId, afterPath, limit, since);
        return rows.map((row) => ({ path: row.path, mimeType: row.mime_type, size: Number(row.size), updatedAt: row.updated_at }));
      },
      contents: (paths) => readUploadedFileContents(db, connectorId, paths),
      count: () => countUploadedFiles(db, connectorId),
    },
  };
}
