import { needsCredential } from '../../../connectors/registry.ts';
import { publicConnectorId } from '../../../domain/connector-ids.ts';
import type { Connector } from '../../../domain/connector.ts';
import type { Credential } from '../../../domain/credential.ts';
import type { Schedule } from '../../../domain/schedule.ts';
import type { SyncJob, SyncStatus } from '../../../domain/sync-job.ts';
import { onyxCredentialKey } from './credential-json.ts';
import { configToOnyx, sourceOfType } from './sources.ts';
import { inputTypes, type ConnectorIndexingStatus, type ConnectorSnapshot, type CredentialSnapshot, type IndexingStatus } from './wire.ts';

/** Onyx's access and input types have no Tributary meaning; kept as connector metadata so Onyx reads back what it sent. */
export const accessTypeKey = 'onyx_access_type';
export const inputTypeKey = 'onyx_input_type';

/** Onyx's empty credential, id 0, of the sources that need none (File, Web). */
export const EMPTY_CREDENTIAL_ID = '0';

const seconds = (schedule: Schedule | null) => (schedule?.type === 'interval' ? schedule.everySeconds : null);

export function presentConnectorSnapshot(connector: Connector): ConnectorSnapshot {
  const inputType = connector.metadata[inputTypeKey];
  return {
    id: publicConnectorId(connector.workspaceId, connector.id),
    name: connector.name,
    source: sourceOfType(connector.type),
    input_type: (inputTypes as readonly string[]).includes(inputType ?? '') ? (inputType as ConnectorSnapshot['input_type']) : defaultInputType(connector.type),
    connector_specific_config: configToOnyx(connector.type, connector.config),
    refresh_freq: seconds(connector.schedule),
    prune_freq: seconds(connector.pruneSchedule),
    indexing_start: null,
    credential_ids: connector.credentialId ? [connector.credentialId] : needsCredential(connector.type) ? [] : [0],
    time_created: connector.createdAt,
    time_updated: connector.updatedAt,
  };
}

const defaultInputType = (type: string): ConnectorSnapshot['input_type'] => (type === 'upload' ? 'load_state' : 'poll');

export function presentCredential(credential: Credential): CredentialSnapshot {
  const source = sourceOfType(credential.type);
  return {
    id: credential.id,
    credential_json: Object.fromEntries(Object.entries(credential.fields).map(([field, hint]) => [onyxCredentialKey(source, field), hint])),
    admin_public: true,
    curator_public: false,
    groups: [],
    source,
    name: credential.name,
    user_id: null,
    user_email: null,
    time_created: credential.createdAt,
    time_updated: credential.updatedAt,
  };
}

/** Credential 0 as Onyx shows it beside a connector that needs none. */
function emptyCredential(connector: Connector): CredentialSnapshot {
  return {
    id: 0,
    credential_json: {},
    admin_public: true,
    curator_public: false,
    groups: [],
    source: 'not_applicable',
    name: null,
    user_id: null,
    user_email: null,
    time_created: connector.createdAt,
    time_updated: connector.createdAt,
  };
}

const indexingStatusOf: Record<SyncStatus, IndexingStatus> = {
  queued: 'not_started',
  running: 'in_progress',
  canceling: 'in_progress',
  canceled: 'canceled',
  succeeded: 'success',
  failed: 'failed',
};

function attemptStatus(job: SyncJob): IndexingStatus {
  const status = indexingStatusOf[job.status];
  return status === 'success' && job.progress.failed > 0 ? 'completed_with_errors' : status;
}

/** A sync job as Onyx's index attempt: Tributary counts documents new or changed together, so both counts carry `indexed`. */
function presentIndexAttempt(job: SyncJob) {
  return {
    id: job.jobId,
    status: attemptStatus(job),
    from_beginning: job.mode === 'full',
    new_docs_indexed: job.progress.indexed,
    total_docs_indexed: job.progress.indexed,
    docs_removed_from_index: job.progress.deleted,
    error_msg: job.error,
    error_count: job.progress.failed,
    full_exception_trace: null,
    time_started: job.startedAt,
    time_updated: job.updatedAt,
    poll_range_start: null,
    poll_range_end: null,
  };
}

/** A connector's sync history as Onyx's indexing status; `credential` is the bound one, or credential 0. */
export function presentIndexingStatus(connector: Connector, credential: Credential | undefined, jobs: SyncJob[]): ConnectorIndexingStatus {
  const syncs = jobs.filter((job) => job.kind === 'sync');
  const latest = syncs.at(-1);
  const finished = syncs.filter((job) => job.finishedAt !== null).at(-1);
  const success = syncs.filter((job) => job.status === 'succeeded').at(-1);
  const accessType = connector.metadata[accessTypeKey];
  return {
    cc_pair_id: publicConnectorId(connector.workspaceId, connector.id),
    name: connector.name,
    connector: presentConnectorSnapshot(connector),
    credential: credential ? presentCredential(credential) : emptyCredential(connector),
    access_type: accessType === 'private' || accessType === 'sync' ? accessType : 'public',
    groups: [],
    cc_pair_status: ccPairStatus(connector, success !== undefined),
    in_repeated_error_state: connector.state === 'disconnected',
    owner: '',
    last_finished_status: finished ? attemptStatus(finished) : null,
    last_status: latest ? attemptStatus(latest) : null,
    last_success: success?.startedAt ?? null,
    latest_index_attempt: latest ? presentIndexAttempt(latest) : null,
    docs_indexed: success ? success.progress.indexed + success.progress.unchanged : 0,
    in_progress: latest !== undefined && attemptStatus(latest) === 'in_progress',
  };
}

function ccPairStatus(connector: Connector, everSucceeded: boolean): ConnectorIndexingStatus['cc_pair_status'] {
  switch (connector.state) {
    case 'connected':
      return everSucceeded ? 'ACTIVE' : 'INITIAL_INDEXING';
    case 'paused':
      return 'PAUSED';
    case 'deleting':
      return 'DELETING';
    case 'creating':
      return 'SCHEDULED';
    default:
      return 'INVALID';
  }
}
