import type { Env } from './env.ts';

/** What the API bounds per request and per workspace. */
export interface ApiLimits {
  /** Uploaded bytes a workspace may keep over all its upload connectors. */
  readonly uploadQuotaBytes: number;
  /** Live-progress streams open at once, in all and per API key. */
  readonly maxStreams: number;
  readonly maxStreamsPerKey: number;
  /** A stream whose job has not changed for this long is closed. */
  readonly streamIdleMs: number;
}

/** What a sync page may hold in memory. */
export interface SyncLimits {
  /** A document over this size is skipped with its reason, never read whole. */
  readonly maxDocumentBytes: number;
  /** A page stops taking documents once their content reaches this many bytes. */
  readonly maxPageBytes: number;
  /** A source's rate limit up to this long is slept out in the page; a longer one retries the page when it ends. */
  readonly maxInlineRateLimitWaitMs: number;
}

/** What the worker bounds: its sync pages, and how long a collection's change feed keeps every change. */
export interface WorkerLimits extends SyncLimits {
  /** Changes older than this are compacted when a job of the collection ends. */
  readonly changeFeedRetentionMs: number;
}

type LimitSettings = Pick<
  Env,
  | 'TRIBUTARY_UPLOAD_QUOTA_BYTES'
  | 'TRIBUTARY_MAX_STREAMS'
  | 'TRIBUTARY_MAX_STREAMS_PER_KEY'
  | 'TRIBUTARY_STREAM_IDLE_SECONDS'
  | 'TRIBUTARY_MAX_DOCUMENT_BYTES'
  | 'TRIBUTARY_MAX_PAGE_BYTES'
  | 'TRIBUTARY_MAX_RATE_LIMIT_WAIT_SECONDS'
  | 'TRIBUTARY_CHANGE_FEED_RETENTION_DAYS'
>;

export function apiLimitsOf(env: LimitSettings): ApiLimits {
  return {
    uploadQuotaBytes: env.TRIBUTARY_UPLOAD_QUOTA_BYTES,
    maxStreams: env.TRIBUTARY_MAX_STREAMS,
    maxStreamsPerKey: env.TRIBUTARY_MAX_STREAMS_PER_KEY,
    streamIdleMs: env.TRIBUTARY_STREAM_IDLE_SECONDS * 1000,
  };
}

export function syncLimitsOf(env: LimitSettings): WorkerLimits {
  return {
    maxDocumentBytes: env.TRIBUTARY_MAX_DOCUMENT_BYTES,
    maxPageBytes: env.TRIBUTARY_MAX_PAGE_BYTES,
    maxInlineRateLimitWaitMs: env.TRIBUTARY_MAX_RATE_LIMIT_WAIT_SECONDS * 1000,
    changeFeedRetentionMs: env.TRIBUTARY_CHANGE_FEED_RETENTION_DAYS * 24 * 60 * 60 * 1000,
  };
}
