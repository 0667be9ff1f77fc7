import { z } from 'zod';
import { connectorStates } from './connector-state.ts';
import { metadataSchema } from './metadata.ts';
import { scheduleSchema } from './schedule.ts';

/** A connector's name, as every body that sets one takes it. */
export const connectorNameSchema = z.string().trim().min(1).max(200);

/** A connector as stored and passed between layers; the API presents it with its type's enum. */
export const connectorSchema = z.object({
  authRequest: z
    .object({ authorizationEndpoint: z.string(), type: z.literal('code') })
    .optional()
    .meta({ description: 'Present while an OAuth connector waits for consent: where to get the consent URL.' }),
  id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  type: z.string(),
  collection: z.string(),
  config: z.record(z.string(), z.unknown()),
  metadata: metadataSchema,
  schedule: scheduleSchema,
  pruneSchedule: scheduleSchema.nullable(),
  credentialId: z.string().nullable(),
  state: z.enum(connectorStates),
  stateReason: z.string().nullable(),
  version: z.number().int().meta({ description: 'Goes up by one with every change of the connector.' }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export type Connector = z.infer<typeof connectorSchema>;

/** The fields a connector update may change; the workflow applies them as one step. */
export type ConnectorChanges = Partial<Pick<Connector, 'name' | 'description' | 'config' | 'schedule' | 'pruneSchedule' | 'metadata'>>;

/** The fields a change of an existing connector may send; `config` is merged into the current config, then validated by the type. */
export const connectorChangeFields = {
  name: connectorNameSchema.optional(),
  description: z.string().max(2000).nullable().optional(),
  config: z.record(z.string(), z.unknown()).optional().meta({ description: 'Fields to change in the config.' }),
  schedule: scheduleSchema.optional(),
  pruneSchedule: scheduleSchema.nullable().optional().meta({ description: '`null` removes the prune schedule.' }),
  metadata: metadataSchema.optional().meta({ description: 'Replaces all metadata.' }),
};

const someFieldToChange = { message: 'send at least one field to change' };

/** Body of `PATCH /v1/connectors/{id}`. */
export const patchConnectorBodySchema = z
  .object(connectorChangeFields)
  .strict()
  .refine((body) => Object.keys(body).length > 0, someFieldToChange)
  .meta({ id: 'PatchConnector' });

/** A `PUT /v1/connectors/{id}` without `type` changes the given fields of an existing connector (seed 001's update). */
export const connectorChangeByPutSchema = z
  .object({
    ...connectorChangeFields,
    type: z.undefined().optional().meta({ type: 'null', not: {}, description: 'Left out: a body without type changes an existing connector.' }),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, someFieldToChange)
  .meta({ id: 'ConnectorChange', description: 'The fields to change of an existing connector; `config` is merged into its config.' });

/** Body of `PATCH /v1/connectors/{id}`. */
export type PatchConnectorBody = z.infer<typeof patchConnectorBodySchema>;
