import type { Db } from '../db/database.ts';
import type { CheckContext, ServerEnvironment } from './connector-definition.ts';

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
}

export interface ReadContext<Config> extends CheckContext<Config> {
  connectorId: string;
  jobId: string;
  /** Start of the previous successful sync, for incremental reads; null for a full read. */
  since: string | null;
  /** The database, for sources whose state lives in Tributary (uploaded files, a crawl frontier). */
  db: Db;
  environment: ServerEnvironment;
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
  /** Every external id the source holds now, in batches, for pruning; absent when the source cannot list. */
  listIds?(): AsyncIterable<string[]>;
  close?(): Promise<void>;
}
