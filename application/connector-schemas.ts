import { z } from 'zod';
import { connectorDefinitions } from '../connectors/registry.ts';
import { connectorChangeByPutSchema, connectorNameSchema, connectorSchema as storedConnectorSchema } from '../domain/connector.ts';
import { resourceIdSchema } from '../domain/ids.ts';
import { connectorStatuses } from '../domain/connector-status.ts';
import { metadataSchema } from '../domain/metadata.ts';
import { scheduleSchema } from '../domain/schedule.ts';
import { syncCountersSchema, syncStatuses } from '../domain/sync-job.ts';

const knownTypes = connectorDefinitions.map((definition) => definition.type);

const editableFields = {
  name: connectorNameSchema,
  description: z.string().max(2000).optional(),
  collection: resourceIdSchema.optional().meta({ description: 'Where the documents go; defaults to the connector id.' }),
  schedule: scheduleSchema.default({ type: 'manual' }),
  pruneSchedule: scheduleSchema.optional(),
  metadata: metadataSchema.default({}),
};

/** Only at creation: the credential to bind, by id or inline (seed 001's `credentials`). */
const credentialFields = {
  credentialId: resourceIdSchema.optional().meta({ description: 'An existing credential of this workspace to check and bind.' }),
  credentials: z.record(z.string(), z.unknown()).optional().meta({
    description:
      'A secret given inline, e.g. `{ "accessKeyId": "...", "secretAccessKey": "..." }`; stored encrypted as a credential and bound. `kind` may be given; otherwise it is inferred from the fields.',
  }),
};

/** One body variant per source type, so `config` is validated by that type's own schema. */
const bodyVariants = connectorDefinitions.map((definition) =>
  z.object({ ...editableFields, ...credentialFields, type: z.literal(definition.type), config: definition.configSchema }).strict(),
);

function connectorBody(variants: typeof bodyVariants) {
  return z.discriminatedUnion('type', variants as [(typeof variants)[number], ...typeof variants], {
    error: (issue) => (issue.code === 'invalid_union' ? `unknown connector type; expected one of: ${knownTypes.join(', ')}` : undefined),
  });
}

/** A connector's full definition: the id comes from the path, or is generated. */
export type ConnectorSpec = z.infer<(typeof bodyVariants)[number]>;

/**
 * Body of `PUT /v1/connectors/{id}`: a full definition (with `type`) creates the connector or
 * replaces its definition; without `type`, the given fields of the existing connector change.
 */
export const putConnectorBodySchema = z
  .discriminatedUnion('type', [...bodyVariants, connectorChangeByPutSchema] as unknown as [(typeof bodyVariants)[number], ...typeof bodyVariants], {
    error: (issue) => (issue.code === 'invalid_union' ? `unknown connector type; expected one of: ${knownTypes.join(', ')}` : undefined),
  })
  .meta({ id: 'PutConnector' }) as unknown as z.ZodType<PutConnectorBody>;

export type PutConnectorBody = ConnectorSpec | z.infer<typeof connectorChangeByPutSchema>;
export type CreateConnectorBody = ConnectorSpec & { id?: string };

/** Body of `POST /v1/connectors`: an optional client id, or one is generated. */
export const createConnectorBodySchema = connectorBody(
  bodyVariants.map((variant) => variant.extend({ id: resourceIdSchema.optional() })) as unknown as typeof bodyVariants,
).meta({ id: 'CreateConnector' }) as unknown as z.ZodType<CreateConnectorBody, z.input<(typeof bodyVariants)[number]> & { id?: string }>;

/** A connector as the API answers it: its type one of the registered source types, with its status and last sync (seed 001). */
export const connectorSchema = storedConnectorSchema
  .extend({
    type: z.enum(knownTypes as [string, ...string[]]),
    status: z.enum(connectorStatuses).meta({
      description:
        '`active` while it syncs as configured, `paused`, `pending` until it can sync (being created, waiting for a credential or its configuration), `error` when it lost access or its last sync failed, `deleting`.',
    }),
    lastSync: z.iso.datetime().nullable().meta({ description: 'When its last sync ended, whatever the outcome; null before the first.' }),
    lastSyncJob: z
      .object({ jobId: z.string(), status: z.enum(syncStatuses), finishedAt: z.iso.datetime(), counters: syncCountersSchema })
      .nullable()
      .meta({ description: 'Its last finished sync (not prune): which job, how it ended, when, and its counters; null before the first.' }),
    nextRunAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'When its schedule starts the next sync; null for a manual or paused schedule, or when Temporal does not answer in time.' }),
    documentCount: z.number().int().meta({ description: 'Documents it holds now.' }),
    lastError: z.string().nullable().meta({ description: 'Why it is disconnected, or else the error of its last sync when that one failed; null otherwise.' }),
  })
  .meta({ id: 'Connector' });

export type PresentedConnector = z.infer<typeof connectorSchema>;
