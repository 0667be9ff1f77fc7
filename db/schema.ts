import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/** Timestamps are ISO-8601 text on every dialect so rows compare and sort alike. */
type Timestamp = string;
/** JSON documents are stored as text on every dialect and parsed by the repositories. */
type JsonText = string;

export interface WorkspacesTable {
  id: string;
  name: string;
  created_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  workspace_id: string;
  name: string;
  role: string;
  key_hash: string;
  created_at: Timestamp;
}

export interface ConnectorsTable {
  id: string;
  workspace_id: string;
  name: string;
  description: string | null;
  type: string;
  collection: string;
  config: JsonText;
  metadata: JsonText;
  schedule: JsonText;
  prune_schedule: JsonText | null;
  credential_id: string | null;
  state: string;
  state_reason: string | null;
  /** Bumped by every write, which names the version it read: a change never overwrites one it did not see. */
  version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CredentialsTable {
  id: string;
  workspace_id: string;
  name: string;
  type: string;
  kind: string;
  key_id: string;
  iv: string;
  auth_tag: string;
  ciphertext: string;
  /** Field names with at most their last four characters, as responses show them. */
  hints: JsonText;
  refresh_locked_until: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OAuthStatesTable {
  state: string;
  workspace_id: string;
  /** Null for a consent that fills a credential before any connector exists. */
  connector_id: string | null;
  credential_id: string;
  redirect_uri: string;
  sealed_verifier: JsonText;
  expires_at: Timestamp;
}

export interface DocumentsTable {
  id: string;
  workspace_id: string;
  collection: string;
  connector_id: string;
  external_id: string;
  title: string | null;
  url: string | null;
  mime_type: string | null;
  content: string;
  content_hash: string;
  metadata: JsonText;
  source_updated_at: Timestamp | null;
  synced_at: Timestamp;
  sync_job_id: string | null;
}

export interface SyncJobsTable {
  id: string;
  workspace_id: string;
  connector_id: string;
  /** `sync` reads the source; `prune` only lists its ids and removes what it no longer has. */
  kind: ColumnType<string, string | undefined, string>;
  mode: string;
  trigger: string;
  status: string;
  phase: string;
  collected: ColumnType<number, number | undefined, number>;
  parsed: ColumnType<number, number | undefined, number>;
  indexed: ColumnType<number, number | undefined, number>;
  unchanged: ColumnType<number, number | undefined, number>;
  deleted: ColumnType<number, number | undefined, number>;
  failed: ColumnType<number, number | undefined, number>;
  /** Items not indexed on purpose (too large, binary); not failures. */
  skipped: ColumnType<number, number | undefined, number>;
  /** Documents stored with NUL characters removed or broken UTF-16 replaced. */
  sanitized: ColumnType<number, number | undefined, number>;
  /** bigint on PostgreSQL comes back as a string; the repository converts it. */
  bytes: ColumnType<number | string, number | undefined, number>;
  total: ColumnType<number | string | null, number | null | undefined, number | null>;
  error: string | null;
  checkpoint: JsonText | null;
  /** Pages committed so far; a retried page that was already committed is recognised by it. */
  page: ColumnType<number, number | undefined, number>;
  workflow_id: string | null;
  since: Timestamp | null;
  /** While the phase is `rate_limited`: when the source lets the page be read again. */
  resume_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  /** The connector config the job read, hashed: a sync after a config change starts over in full. */
  config_fingerprint: ColumnType<string | null, string | null | undefined, string | null>;
  /** The source's cursor this incremental job started from. */
  source_cursor: ColumnType<string | null, string | null | undefined, string | null>;
  /** The cursor the source handed out for the next incremental sync; adopted only if this job succeeds. */
  next_source_cursor: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  started_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface UploadedFilesTable {
  id: string;
  connector_id: string;
  path: string;
  mime_type: string;
  size: ColumnType<number | string, number, number>;
  content: Uint8Array;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CrawlFrontierTable {
  job_id: string;
  url: string;
  depth: number;
  seq: number;
  visited: ColumnType<number, number | undefined, number>;
}

/** One item a job could not deliver, in the order it failed. */
export interface SyncFailuresTable {
  job_id: string;
  seq: number;
  connector_id: string;
  external_id: string;
  /** Where it stopped: `read` (the source could not deliver it), `parse`, or `skip` (not indexed on purpose). */
  stage: string;
  error: string;
  created_at: Timestamp;
}

/** One write or delete of a document, in the order its collection's feed serves them. */
export interface DocumentChangesTable {
  /** bigint on PostgreSQL comes back as a string; the repository converts it. */
  seq: ColumnType<number | string, never, never>;
  workspace_id: string;
  collection: string;
  connector_id: string;
  document_id: string;
  external_id: string;
  /** `upsert` or `delete`. */
  kind: string;
  /** The written content's hash; null for a delete. */
  content_hash: string | null;
  changed_at: Timestamp;
  sync_job_id: string | null;
}

/** The highest change number compaction has removed from a collection's feed. */
export interface DocumentChangeHorizonsTable {
  workspace_id: string;
  collection: string;
  compacted_through: ColumnType<number | string, number, number>;
}

/** A workspace's subscription to events; the signing secret is sealed, `disabled_at` set once it is deleted. */
export interface WebhooksTable {
  id: string;
  workspace_id: string;
  url: string;
  /** The subscribed event types, a JSON array. */
  events: JsonText;
  /** The cipher's SealedSecret of the signing secret, as JSON. */
  sealed_secret: JsonText;
  secret_hint: string;
  created_at: Timestamp;
  disabled_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
}

/** One event sent to one webhook: the body as signed, and how its last attempt went. */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  payload: JsonText;
  /** `pending`, `delivered` or `failed`. */
  status: string;
  attempt_count: ColumnType<number, number | undefined, number>;
  last_status_code: ColumnType<number | null, number | null | undefined, number | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  delivered_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  created_at: Timestamp;
}

export interface Database {
  workspaces: WorkspacesTable;
  api_keys: ApiKeysTable;
  connectors: ConnectorsTable;
  credentials: CredentialsTable;
  oauth_states: OAuthStatesTable;
  documents: DocumentsTable;
  sync_jobs: SyncJobsTable;
  uploaded_files: UploadedFilesTable;
  crawl_frontier: CrawlFrontierTable;
  sync_failures: SyncFailuresTable;
  document_changes: DocumentChangesTable;
  document_change_horizons: DocumentChangeHorizonsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type WorkspaceRow = Selectable<WorkspacesTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKeyRow = Insertable<ApiKeysTable>;
export type ConnectorRow = Selectable<ConnectorsTable>;
export type NewConnectorRow = Insertable<ConnectorsTable>;
export type ConnectorRowUpdate = Updateable<ConnectorsTable>;
export type CredentialRow = Selectable<CredentialsTable>;
export type NewCredentialRow = Insertable<CredentialsTable>;
export type OAuthStateRow = Selectable<OAuthStatesTable>;
export type SyncJobRow = Selectable<SyncJobsTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type NewDocumentRow = Insertable<DocumentsTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
