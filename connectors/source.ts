import type { SyncLimits } from '../config/limits.ts';
import type { CheckContext, ServerEnvironment } from './connector-definition.ts';
import type { RefreshCredential } from './http/authorized-fetch.ts';

/** A document as a source yields it, before parsing. */
export interface SourceDocument {
  /** The source's own id; unique per connector. For files, the path. */
  externalId: string;
  title: string | null;
  url: string | null;
  /** Raw content: text, or bytes for binary formats (PDF, DOCX). */
  body: string | Uint8Array;
  mimeType: string;
  metadata: Record<string, string>;
  /** When the source last changed it (ISO), if it says. */
  updatedAt: string | null;
}

/** Where a source resumes: small JSON, kept in the job row and in workflow history. Null means the start. */
export type Checkpoint = Record<string, string | number | boolean | null>;

export interface SourcePage {
  documents: SourceDocument[];
  /** Where the next page starts; null when this was the last page. */
  next: Checkpoint | null;
  /** How many documents the source holds in all, when it can tell. */
  total?: number;
  /** Items of this page the source could not deliver (after retries); counted as failed, not fatal. */
  failures?: Array<{ externalId: string; error: string }>;
  /** Items the source passed over on purpose without reading them (over the document limit); counted as skipped. */
  skipped?: Array<{ externalId: string; reason: string }>;
  /** External ids the source reports gone since the cursor it was given (a changes feed); removed with the page. */
  deleted?: string[];
  /**
   * An opaque cursor where the next incremental sync starts (Drive's start page token, Graph's delta
   * link), usually given with the last page. It is kept only if this sync succeeds.
   */
  nextCursor?: string;
}

/** A URL waiting in a crawl, with how many links away from the start it was found. */
export interface FrontierUrl {
  url: string;
  depth: number;
}

/**
 * The queue of one job's crawl, kept by Tributary so a retried page resumes where the crawl stood.
 * Changes made during a read take effect when the page commits, so a page that never commits is
 * read again from the same frontier.
 * @example
 * await frontier.enqueue([{ url: 'https://docs.example.com/', depth: 0 }]);
 * for (const { url } of await frontier.next(10)) await frontier.markVisited(url);
 */
export interface CrawlFrontier {
  /** Forgets every queued and visited URL, for a crawl that starts over. */
  reset(): Promise<void>;
  /** Queues the URLs this crawl has not seen yet, after those already queued. */
  enqueue(urls: FrontierUrl[]): Promise<void>;
  /** Up to `limit` unvisited URLs in the order they were queued. */
  next(limit: number): Promise<FrontierUrl[]>;
  markVisited(url: string): Promise<void>;
  /** URLs queued in all (visited included) and visited so far. */
  counts(): Promise<{ queued: number; visited: number }>;
}

/** A file uploaded to the connector through the API, as listed: its content is read apart. */
export interface UploadedFile {
  /** Relative path, unique per connector. */
  path: string;
  mimeType: string;
  size: number;
  updatedAt: string;
}

/**
 * The files uploaded to one connector, listed in path order without their content, which is read
 * only for the files a page takes.
 * @example
 * const first = await uploadedFiles.list({ afterPath: null, limit: 1000, since: null });
 * const contents = await uploadedFiles.contents(first.slice(0, 10).map((file) => file.path));
 */
export interface UploadedFiles {
  /** Files after `afterPath` in path order, only those changed after `since` when it is given. */
  list(query: { afterPath: string | null; limit: number; since: string | null }): Promise<UploadedFile[]>;
  /** The content of each named file by path; a file deleted since it was listed is absent. */
  contents(paths: string[]): Promise<Map<string, Uint8Array>>;
  count(): Promise<number>;
}

/** State a source keeps in Tributary, scoped to its connector and job: narrow ports, never the database. */
export interface SourcePorts {
  /** This job's crawl queue, for sources that discover what to read as they go. */
  crawlFrontier: CrawlFrontier;
  /** The files uploaded to this connector through the API. */
  uploadedFiles: UploadedFiles;
}

export interface ReadContext<Config> extends CheckContext<Config>, SourcePorts {
  connectorId: string;
  jobId: string;
  /** Start of the previous successful sync, for incremental reads; null for a full read. */
  since: string | null;
  /** The cursor the previous successful sync's source handed out, for incremental reads; null for a full read or when it gave none. */
  sourceCursor: string | null;
  /** A new credential for one the source answered 401 to (an OAuth2 token refreshed under the lock); for `authorizedFetch`. */
  refreshCredential?: RefreshCredential;
  environment: ServerEnvironment;
  /** What one page may hold in memory: a source that can tell sizes before reading obeys them. */
  limits: SyncLimits;
  /** Keeps the activity alive while a page takes long; also where cancellation arrives. */
  heartbeat(): void;
  signal: AbortSignal;
}

/**
 * A source reads pages of documents, resumable from any checkpoint it returned.
 * @example
 * const source = definition.openSource(context);
 * let page = await source.read(null);
 * while (page.next) page = await source.read(page.next);
 */
export interface Source {
  read(checkpoint: Checkpoint | null): Promise<SourcePage>;
  /**
   * True when a page's read depends on what the page before it committed (a crawl frontier): such a
   * source's next page is read once the page before it committed. Others are read one page ahead.
   */
  readonly sequential?: boolean;
  /** Every external id the source holds now, in batches, for pruning; absent when the source cannot list. */
  listIds?(): AsyncIterable<string[]>;
  close?(): Promise<void>;
}
