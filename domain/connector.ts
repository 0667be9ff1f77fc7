import { z } from 'zod';
import { connectorDefinitions } from '../connectors/registry.ts';
import { connectorStates } from './connector-state.ts';
import { resourceIdSchema } from './ids.ts';
import { metadataSchema } from './metadata.ts';
import { scheduleSchema } from './schedule.ts';

const knownTypes = connectorDefinitions.map((definition) => definition.type);

const editableFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  collection: resourceIdSchema.optional().meta({ description: 'Where the documents go; defaults to the connector id.' }),
  schedule: scheduleSchema.default({ type: 'manual' }),
  pruneSchedule: scheduleSchema.optional(),
  metadata: metadataSchema.default({}),
};

/** Only at creation: the credential to bind, by id or inline (seed 001's `credentials`). */
const credentialFields = {
  credentialId: resourceIdSchema.optional().meta({ description: 'An existing credential of this workspace to check and bind.' }),
  credentials: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({
      description:
        'A secret given inline, e.g. `{ "accessKeyId": "...", "secretAccessKey": "..." }`; stored encrypted as a credential and bound. `kind` may be given; otherwise it is inferred from the fields.',
    }),
};

/** One body variant per source type, so `config` is validated by that type's own schema. */
const bodyVariants = connectorDefinitions.map((definition) =>
  z
    .object({ ...editableFields, ...credentialFields, type: z.literal(definition.type), config: definition.configSchema })
    .strict(),
);

function connectorBody(variants: typeof bodyVariants) {
  return z.discriminatedUnion('type', variants as [(typeof variants)[number], ...typeof variants], {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `unknown connector type; expected one of: ${knownTypes.join(', ')}`
        : undefined,
  });
}

/** Body of `PUT /v1/connectors/{id}`: the id comes from the path. */
export const putConnectorBodySchema = connectorBody(bodyVariants).meta({ id: 'ConnectorSpec' });

export type ConnectorSpec = z.infer<typeof putConnectorBodySchema>;
export type CreateConnectorBody = ConnectorSpec & { id?: string };

/** Body of `POST /v1/connectors`: an optional client id, or one is generated. */
export const createConnectorBodySchema = connectorBody(
  bodyVariants.map((variant) => variant.extend({ id: resourceIdSchema.optional() })) as unknown as typeof bodyVariants,
).meta({ id: 'CreateConnector' }) as unknown as z.ZodType<CreateConnectorBody, z.input<typeof putConnectorBodySchema> & { id?: string }>;

export const connectorSchema = z
  .object({
    authRequest: z
      .object({ authorizationEndpoint: z.string(), type: z.literal('code') })
      .optional()
      .meta({ description: 'Present while an OAuth connector waits for consent: where to get the consent URL.' }),
    id: z.string(),
    workspaceId: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    type: z.enum(knownTypes as [string, ...string[]]),
    collection: z.string(),
    config: z.record(z.string(), z.unknown()),
    metadata: metadataSchema,
    schedule: scheduleSchema,
    pruneSchedule: scheduleSchema.nullable(),
    credentialId: z.string().nullable(),
    state: z.enum(connectorStates),
    stateReason: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Connector' });

export type Connector = z.infer<typeof connectorSchema>;

/** The fields a connector update may change; the workflow applies them as one step. */
export type ConnectorChanges = Partial<
  Pick<Connector, 'name' | 'description' | 'config' | 'schedule' | 'pruneSchedule' | 'metadata'>
>;

/** Body of `PATCH /v1/connectors/{id}`; `config` is merged into the current config, then validated by the type. */
export const patchConnectorBodySchema = z
  .object({
    name: editableFields.name.optional(),
    description: z.string().max(2000).nullable().optional(),
    config: z.record(z.string(), z.unknown()).optional().meta({ description: 'Fields to change in the config.' }),
    schedule: scheduleSchema.optional(),
    pruneSchedule: scheduleSchema.nullable().optional().meta({ description: '`null` removes the prune schedule.' }),
    metadata: metadataSchema.optional().meta({ description: 'Replaces all metadata.' }),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'send at least one field to change' })
  .meta({ id: 'PatchConnector' });
