import { mimeTypeFromName } from '../../domain/mime-types.ts';
import type { Checkpoint, ReadContext, Source, SourceDocument, SourcePage, UploadedFile } from '../source.ts';
import { countFiles, walkFiles } from './directory-walker.ts';
import { readDirectoryPageInThread } from './directory-reader.ts';
import { pageBudget } from '../page-budget.ts';
import { confineDirectory } from './confine-directory.ts';
import type { UploadConfig } from './config.ts';
import { SourceRefusedError } from '../http/source-errors.ts';

export const UPLOAD_PAGE_SIZE = 1000;
/**
 * How many unchanged files one page may walk past before it returns: a stat costs a few microseconds
 * on the reader thread, so a page of an unchanged folder takes a fraction of a second.
 */
const MAX_VISITED_PER_PAGE = 100_000;
const UPLOAD_PREFIX = 'uploads/';

type UploadCheckpoint = { part: 'uploads' | 'directory'; after: string | null; total: number };

/**
 * Files uploaded to the connector (external id `uploads/<path>`), then the files of its server folder
 * (external id: the path relative to the folder). Incremental reads skip files not changed since.
 */
export function openUploadSource(context: ReadContext<UploadConfig>): Source {
  const { uploadedFiles, since } = context;
  const directory = async () => {
    if (!context.config.directory) return undefined;
    const confined = await confineDirectory(context.config.directory, context.environment.directoryRoots);
    if ('error' in confined) throw new SourceRefusedError(confined.error);
    return confined.path;
  };

  async function readUploads(position: UploadCheckpoint): Promise<SourcePage> {
    const listed = await uploadedFiles.list({ afterPath: position.after, limit: UPLOAD_PAGE_SIZE, since });
    const budget = pageBudget(context.limits);
    const taken: UploadedFile[] = [];
    const skipped: NonNullable<SourcePage['skipped']> = [];
    let consumed = 0;
    for (const file of listed) {
      const admission = budget.admit(file.size);
      if (admission.kind === 'full') break;
      consumed += 1;
      if (admission.kind === 'take') taken.push(file);
      else skipped.push({ externalId: `${UPLOAD_PREFIX}${file.path}`, reason: admission.reason });
    }
    const contents = await uploadedFiles.contents(taken.map((file) => file.path));
    const documents: SourceDocument[] = taken.flatMap((file) => {
      const content = contents.get(file.path);
      // Deleted since it was listed: the next full sync removes its document.
      if (!content) return [];
      return [
        {
          externalId: `${UPLOAD_PREFIX}${file.path}`,
          title: file.path.split('/').pop() ?? file.path,
          url: null,
          body: content,
          mimeType: file.mimeType,
          metadata: { source: 'upload' },
          updatedAt: file.updatedAt,
        },
      ];
    });
    const last = listed[consumed - 1];
    const finished = consumed === listed.length && listed.length < UPLOAD_PAGE_SIZE;
    const next: UploadCheckpoint = finished || !last ? { part: 'directory', after: null, total: position.total } : { ...position, after: last.path };
    return { documents, skipped, next: next.part === 'directory' && !context.config.directory ? null : next, total: position.total };
  }

  async function readDirectory(root: string, position: UploadCheckpoint): Promise<SourcePage> {
    // An incremental read that finds little changed walks on, so unchanged files cost a stat each; a
    // page whose bytes reach the limit stops at the first file it has no room for.
    const page = await readDirectoryPageInThread({
      root,
      after: position.after,
      since,
      pageSize: UPLOAD_PAGE_SIZE,
      maxVisited: MAX_VISITED_PER_PAGE,
      limits: context.limits,
    });
    const documents: SourceDocument[] = page.files.map((file) => ({
      externalId: file.relativePath,
      title: file.relativePath.split('/').pop() ?? file.relativePath,
      url: null,
      body: Buffer.from(file.body.buffer, file.body.byteOffset, file.body.byteLength),
      mimeType: mimeTypeFromName(file.relativePath) ?? 'text/plain',
      metadata: { source: 'directory', path: file.relativePath },
      updatedAt: file.modifiedAt,
    }));
    return { documents, skipped: page.skipped, next: page.finished ? null : { ...position, after: page.last }, total: position.total };
  }

  return {
    async read(checkpoint: Checkpoint | null): Promise<SourcePage> {
      const root = await directory();
      const position: UploadCheckpoint = checkpoint
        ? (checkpoint as unknown as UploadCheckpoint)
        : { part: 'uploads', after: null, total: (await uploadedFiles.count()) + (root ? await countFiles(root) : 0) };
      if (position.part === 'uploads') return readUploads(position);
      if (!root) return { documents: [], next: null, total: position.total };
      return readDirectory(root, position);
    },
    async *listIds() {
      for (let after: string | null = null; ;) {
        const files = await uploadedFiles.list({ afterPath: after, limit: UPLOAD_PAGE_SIZE, since: null });
        if (files.length > 0) yield files.map((file) => `${UPLOAD_PREFIX}${file.path}`);
        if (files.length < UPLOAD_PAGE_SIZE) break;
        after = files.at(-1)?.path ?? null;
      }
      const root = await directory();
      if (!root) return;
      let batch: string[] = [];
      for (const file of walkFiles(root, null)) {
        batch.push(file.relativePath);
        if (batch.length >= UPLOAD_PAGE_SIZE) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
  };
}
