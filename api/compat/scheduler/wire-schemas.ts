import { z } from '@hono/zod-openapi';
import { connectorStates } from '../../../domain/connector-state.ts';
import { resourceIdSchema } from '../../../domain/ids.ts';
import { schedulerTypes } from './scheduler.ts';
import { seedTypes, slotNamesOf } from './slots.ts';

export const workspaceParamSchema = z.object({
  workspace_id: z.string().meta({ description: "The caller's workspace; any other answers 404." }),
});

export const schedulerQuerySchema = z.object({
  scheduler_type: z.enum(schedulerTypes).meta({
    description:
      '`imed`: no timed syncs; the connector waits for its collection association, which starts its first sync. `cron`: `scheduler_value` is a five-field cron expression (UTC). `when`: `scheduler_value` is a date (`YYYY-MM-DD`, midnight UTC) or a date-time; one sync then.',
  }),
  scheduler_value: z.string().optional().meta({ description: 'The cron expression or the date; not used by `imed`.', example: '0 3 * * *' }),
});

const slotsDescription = `Type-specific settings; a slot that is no setting of the type is kept as connector metadata (at most 16 pairs, values of at most 512 characters, non-strings as JSON). Slots by type: ${seedTypes
  .map((type) => `${type}: ${slotNamesOf(type).join(', ')}`)
  .join('; ')}. The web scraper's \`email\` is kept as metadata \`owner\`.`;

/** The seed's `BaseConnectorRequestBody`; slots are checked by the type's own config schema once mapped. */
export const createConnectorRequestSchema = z
  .object({
    id: z.string().nullish().meta({ description: 'Defaults to a generated id.' }),
    name: z.string(),
    credentials: z
      .record(z.string(), z.unknown())
      .default({})
      .meta({ description: '`{}` for none; otherwise the secret of the type (e.g. `{"token", "email"}` for Jira), stored encrypted and bound.' }),
    slots: z.record(z.string(), z.unknown()).meta({ description: slotsDescription }),
    type: z.enum(seedTypes),
  })
  .meta({
    id: 'BaseConnectorRequestBody',
    example: {
      name: 'Handbook',
      credentials: {},
      slots: { root_file_id: 'https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp' },
      type: 'google_drive',
    },
  });

export type CreateConnectorRequest = z.infer<typeof createConnectorRequestSchema>;

/** The seed's `ConnectorModelReponse` (sic); credentials are never answered, only the id of the bound one. */
export const connectorModelResponseSchema = z
  .object({
    id: z.string(),
    workspace_id: z.string(),
    name: z.string(),
    type: z.enum(seedTypes),
    slots: z.record(z.string(), z.unknown()),
    scheduler_type: z.enum(schedulerTypes),
    scheduler_value: z.string().nullable(),
    collection_id: z.string().meta({ description: 'Where its documents go; the connector id until a collection is associated.' }),
    credential_id: z.string().nullable(),
    state: z.enum(connectorStates),
    state_reason: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'ConnectorModelReponse' });

export const associationRequestSchema = z
  .object({
    connector_id: z.string(),
    collection_id: resourceIdSchema,
  })
  .meta({ id: 'ConnectorCollectionAssociationRequestBody' });

export const associationResponseSchema = z
  .object({
    connector_id: z.string(),
    collection_id: z.string(),
    sync_job_id: z
      .string()
      .nullable()
      .meta({ description: 'The sync this association started: an `imed` connector that never synced and is connected; otherwise null.' }),
  })
  .meta({ id: 'ConnectorCollectionAssociationResponse' });
