import { readFile } from 'node:fs/promises';
import { mimeTypeFromName } from '../../domain/mime-types.ts';
import type { Checkpoint, ReadContext, Source, SourceDocument, SourcePage } from '../source.ts';
import { countFiles, modifiedAt, walkFiles, type WalkedFile } from './directory-walker.ts';
import { confineDirectory } from './confine-directory.ts';
import type { UploadConfig } from './config.ts';

export const UPLOAD_PAGE_SIZE = 1000;
const PARALLEL_READS = 64;
/** How many slices of unchanged files one page may walk past before it returns. */
const MAX_SLICES_PER_PAGE = 20;
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
    if ('error' in confined) throw new Error(confined.error);
    return confined.path;
  };

  async function readUploads(position: UploadCheckpoint): Promise<SourcePage> {
    const files = await uploadedFiles.list({ afterPath: position.after, limit: UPLOAD_PAGE_SIZE, since });
    const documents: SourceDocument[] = files.map((file) => ({
      externalId: `${UPLOAD_PREFIX}${file.path}`,
      title: file.path.split('/').pop() ?? file.path,
      url: null,
      body: file.content,
      mimeType: file.mimeType,
      metadata: { source: 'upload' },
      updatedAt: file.updatedAt,
    }));
    const last = files.at(-1);
    const next: UploadCheckpoint =
      files.length < UPLOAD_PAGE_SIZE || !last ? { part: 'directory', after: null, total: position.total } : { ...position, after: last.path };
    return { documents, next: next.part === 'directory' && !context.config.directory ? null : next, total: position.total };
  }

  async function readDirectory(root: string, position: UploadCheckpoint): Promise<SourcePage> {
    // Walk a slice (directory listings only), then stat and read its files in parallel. An
    // incremental read that finds little changed walks on, so unchanged files cost a stat each.
    const walker = walkFiles(root, position.after);
    const documents: SourceDocument[] = [];
    let visited = 0;
    let last = position.after;
    let exhausted = false;
    while (documents.length < UPLOAD_PAGE_SIZE && visited < UPLOAD_PAGE_SIZE * MAX_SLICES_PER_PAGE && !exhausted) {
      const slice: WalkedFile[] = [];
      while (slice.length < UPLOAD_PAGE_SIZE) {
        const next = await walker.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        slice.push(next.value);
      }
      for (let index = 0; index < slice.length; index += PARALLEL_READS) {
        const batch = await Promise.all(slice.slice(index, index + PARALLEL_READS).map((file) => readChanged(file)));
        for (const document of batch) if (document) documents.push(document);
      }
      visited += slice.length;
      last = slice.at(-1)?.relativePath ?? last;
      context.heartbeat();
    }
    await walker.return(undefined);
    return { documents, next: exhausted ? null : { ...position, after: last }, total: position.total };
  }

  /** The file as a document, or nothing when an incremental read finds it unchanged (a stat only). */
  async function readChanged(file: WalkedFile): Promise<SourceDocument | undefined> {
    const mtime = await modifiedAt(file.absolutePath);
    if (since && mtime.toISOString() <= since) return undefined;
    return {
      externalId: file.relativePath,
      title: file.relativePath.split('/').pop() ?? file.relativePath,
      url: null,
      body: await readFile(file.absolutePath),
      mimeType: mimeTypeFromName(file.relativePath) ?? 'text/plain',
      metadata: { source: 'directory', path: file.relativePath },
      updatedAt: mtime.toISOString(),
    };
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
      for await (const file of walkFiles(root, null)) {
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
