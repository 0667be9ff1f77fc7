import { z } from '@hono/zod-openapi';

/**
 * Onyx's wire shapes (backend/onyx/server/documents/models.py), snake_case as Onyx's clients send
 * and read them. Ids are Tributary's (strings); Onyx's clients only pass them back.
 */

const accessTypes = ['public', 'private', 'sync'] as const;
export const inputTypes = ['load_state', 'poll', 'event', 'slim_retrieval'] as const;

/** Seconds as Onyx sends them; null means no schedule. */
const frequency = z.number().int().nullable().optional();

/** `ConnectorUpdateRequest`: the body of `POST /manage/admin/connector`. */
export const connectorRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    source: z
      .string()
      .meta({ description: 'Onyx’s DocumentSource: jira, confluence, google_drive, web, file, slack, notion, github, sharepoint, salesforce.' }),
    input_type: z.enum(inputTypes),
    // Onyx's docs write `PUBLIC` while its enum holds `public`: both are taken.
    access_type: z
      .string()
      .transform((value) => value.toLowerCase())
      .pipe(z.enum(accessTypes, { error: `Input should be ${accessTypes.map((type) => `'${type}'`).join(', ')}` })),
    connector_specific_config: z.record(z.string(), z.unknown()),
    refresh_freq: frequency.meta({ description: 'Seconds between syncs: an interval schedule (at least 60); null syncs only when run.' }),
    prune_freq: frequency.meta({ description: 'Seconds between prunes, which remove documents the source no longer has.' }),
    indexing_start: z.null({ error: 'Tributary syncs a source from its beginning: send null' }).optional(),
    groups: z.array(z.number().int()).max(0, 'Tributary has no user groups: a connector belongs to the API key’s workspace').optional(),
  })
  .meta({ id: 'OnyxConnectorUpdateRequest' });

export type ConnectorRequest = z.infer<typeof connectorRequestSchema>;

/** `CredentialBase`: the body of `POST /manage/credential`. */
export const credentialRequestSchema = z
  .object({
    credential_json: z.record(z.string(), z.unknown()).meta({ description: 'e.g. `{"jira_user_email": "...", "jira_api_token": "..."}`; stored encrypted.' }),
    admin_public: z.boolean(),
    source: z.string(),
    name: z.string().trim().min(1).max(200).nullable().optional(),
    curator_public: z.boolean().optional(),
    groups: z.array(z.number().int()).max(0, 'Tributary has no user groups: a credential belongs to the API key’s workspace').optional(),
  })
  .meta({ id: 'OnyxCredentialBase' });

/** `RunConnectorRequest`: the body of `POST /manage/admin/connector/run-once`. */
export const runOnceRequestSchema = z
  .object({
    connector_id: z.union([z.string(), z.number().int()]).transform(String),
    credential_ids: z
      .array(z.union([z.string(), z.number().int()]).transform(String))
      .nullable()
      .optional(),
    from_beginning: z.boolean().default(false).meta({ description: 'true runs a full sync, which also removes what the source no longer has.' }),
  })
  .meta({ id: 'OnyxRunConnectorRequest' });

const id = z.union([z.string(), z.number().int()]);

export const connectorSnapshotSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    source: z.string(),
    input_type: z.enum(inputTypes),
    connector_specific_config: z.record(z.string(), z.unknown()),
    refresh_freq: z.number().int().nullable(),
    prune_freq: z.number().int().nullable(),
    indexing_start: z.null(),
    credential_ids: z.array(id).meta({ description: '`[0]`, Onyx’s empty credential, for a source that needs none.' }),
    time_created: z.string(),
    time_updated: z.string(),
  })
  .meta({ id: 'OnyxConnectorSnapshot' });

export type ConnectorSnapshot = z.infer<typeof connectorSnapshotSchema>;

export const credentialSnapshotSchema = z
  .object({
    id,
    credential_json: z.record(z.string(), z.string()).meta({ description: 'Each field with at most its last four characters; never the secret.' }),
    admin_public: z.boolean(),
    curator_public: z.boolean(),
    groups: z.array(z.number()),
    source: z.string(),
    name: z.string().nullable(),
    user_id: z.null(),
    user_email: z.null(),
    time_created: z.string(),
    time_updated: z.string(),
  })
  .meta({ id: 'OnyxCredentialSnapshot' });

export type CredentialSnapshot = z.infer<typeof credentialSnapshotSchema>;

/** `ObjectCreationIdResponse`, with the connector itself beside its id. */
export const connectorCreatedSchema = connectorSnapshotSchema.extend({ credential: z.null() }).meta({ id: 'OnyxConnectorCreated' });

export const credentialCreatedSchema = z.object({ id: z.string(), credential: credentialSnapshotSchema }).meta({ id: 'OnyxCredentialCreated' });

export const statusResponseSchema = z
  .object({ success: z.boolean(), message: z.string().nullable(), data: z.union([z.string(), z.number()]).nullable() })
  .meta({ id: 'OnyxStatusResponse' });

export const indexingStatuses = ['not_started', 'in_progress', 'success', 'canceled', 'failed', 'completed_with_errors'] as const;
export type IndexingStatus = (typeof indexingStatuses)[number];

export const indexAttemptSchema = z
  .object({
    id: z.string().meta({ description: 'The Tributary sync job id.' }),
    status: z.enum(indexingStatuses).nullable(),
    from_beginning: z.boolean(),
    new_docs_indexed: z.number().int(),
    total_docs_indexed: z.number().int(),
    docs_removed_from_index: z.number().int(),
    error_msg: z.string().nullable(),
    error_count: z.number().int(),
    full_exception_trace: z.null(),
    time_started: z.string().nullable(),
    time_updated: z.string(),
    poll_range_start: z.null(),
    poll_range_end: z.null(),
  })
  .meta({ id: 'OnyxIndexAttemptSnapshot' });

export const ccPairStatuses = ['SCHEDULED', 'INITIAL_INDEXING', 'ACTIVE', 'PAUSED', 'DELETING', 'INVALID'] as const;

export const indexingStatusSchema = z
  .object({
    cc_pair_id: z.string().meta({ description: 'The connector id: in Tributary a connector holds at most one credential.' }),
    name: z.string(),
    connector: connectorSnapshotSchema,
    credential: credentialSnapshotSchema,
    access_type: z.enum(accessTypes),
    groups: z.array(z.number()),
    cc_pair_status: z.enum(ccPairStatuses),
    in_repeated_error_state: z.boolean(),
    owner: z.string(),
    last_finished_status: z.enum(indexingStatuses).nullable(),
    last_status: z.enum(indexingStatuses).nullable(),
    last_success: z.string().nullable(),
    latest_index_attempt: indexAttemptSchema.nullable(),
    docs_indexed: z.number().int().meta({ description: 'Documents the latest successful sync delivered (new, changed and unchanged).' }),
    in_progress: z.boolean(),
  })
  .meta({ id: 'OnyxConnectorIndexingStatus' });

export type ConnectorIndexingStatus = z.infer<typeof indexingStatusSchema>;

/** Onyx's `Authorization: Bearer <api key>`, for the OpenAPI document. */
export const onyxSecurity = [{ bearerAuth: [] }];
export const onyxTags = ['Onyx admin API'];
