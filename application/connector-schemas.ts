import { z } from 'zod';
import { connectorDefinitions } from '../connectors/registry.ts';
import { connectorNameSchema, connectorSchema as storedConnectorSchema } from '../domain/connector.ts';
import { resourceIdSchema } from '../domain/ids.ts';
import { metadataSchema } from '../domain/metadata.ts';
import { scheduleSchema } from '../domain/schedule.ts';

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

/** Body of `PUT /v1/connectors/{id}`: the id comes from the path. */
export const putConnectorBodySchema = connectorBody(bodyVariants).meta({ id: 'ConnectorSpec' });

export type ConnectorSpec = z.infer<typeof putConnectorBodySchema>;
export type CreateConnectorBody = ConnectorSpec & { id?: string };

/** Body of `POST /v1/connectors`: an optional client id, or one is generated. */
export const createConnectorBodySchema = connectorBody(
  bodyVariants.map((variant) => variant.extend({ id: resourceIdSchema.optional() })) as unknown as typeof bodyVariants,
).meta({ id: 'CreateConnector' }) as unknown as z.ZodType<CreateConnectorBody, z.input<typeof putConnectorBodySchema> & { id?: string }>;

/** A connector as the API answers it: its type one of the registered source types. */
export const connectorSchema = storedConnectorSchema.extend({ type: z.enum(knownTypes as [string, ...string[]]) }).meta({ id: 'Connector' });
