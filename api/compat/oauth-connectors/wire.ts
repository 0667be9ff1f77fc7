import { z } from '@hono/zod-openapi';
import { metadataSchema } from '../../../domain/metadata.ts';

/** The URL is kept in the connector's description, which takes 2000 characters with its sentence. */
const MAX_URL_LENGTH = 1800;

export const createConnectorBody = z
  .object({
    url: z
      .url({ protocol: /^https?$/, message: 'must be an http or https URL' })
      .max(MAX_URL_LENGTH)
      .meta({ description: 'What to connect: a known SaaS URL picks its source type (see `match_preset`); any other site is crawled.' }),
    client_id: z.string().min(1).max(1024).nullable().optional().meta({ description: 'Your OAuth client at the provider; with `client_secret`.' }),
    client_secret: z.string().min(1).max(16_384).nullable().optional(),
    metadata: metadataSchema.optional(),
    match_preset: z
      .boolean()
      .default(true)
      .meta({ description: 'Match the URL against the known sources (Confluence, Jira, GitHub, Drive, ...); `false` crawls it as a web site.' }),
  })
  .strict()
  .meta({ id: 'OAuthConnectorCreate' });

export type CreateConnectorBody = z.infer<typeof createConnectorBody>;

export const wireStates = ['created', 'auth_required', 'connected', 'disconnected'] as const;
export type WireState = (typeof wireStates)[number];

export const oauthConnectorSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    state: z.enum(wireStates),
    auth_request: z
      .object({
        authorization_endpoint: z.string().meta({ description: 'Open in a browser, without an API key: redirects to the provider’s consent page.' }),
        type: z.literal('code'),
      })
      .nullable()
      .meta({ id: 'AuthorizationCodeRequest', description: 'Present while the connector waits for consent and the caller may start it; null otherwise.' }),
    disconnect_reason: z.string().nullable(),
    metadata: metadataSchema,
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
    created_by: z.string().meta({ description: 'The id of the API key that created the connector.' }),
  })
  .meta({ id: 'OAuthConnector' });

export type OAuthConnector = z.infer<typeof oauthConnectorSchema>;

export const connectorPage = z.object({ data: z.array(oauthConnectorSchema), next_cursor: z.string().nullable() }).meta({ id: 'OAuthConnectorPage' });

export const idParam = z.object({ id: z.string() });

/** FastAPI's error bodies: one message, or the list of fields that failed validation. */
export const detailError = z.object({ detail: z.string() }).meta({ id: 'OAuthConnectorsError' });
export const validationDetail = z
  .object({ detail: z.array(z.object({ type: z.string(), loc: z.array(z.union([z.string(), z.number()])), msg: z.string() })) })
  .meta({ id: 'OAuthConnectorsValidationError' });

const errorDescriptions: Record<number, string> = {
  400: 'The authorization link is malformed',
  401: 'Missing or invalid API key',
  403: 'The key may not do this',
  404: 'No such connector of this API in the workspace',
  409: 'Conflicts with the connector’s current state',
  410: 'The authorization link was used or has expired',
  413: 'Body too large',
  503: 'Temporal or the database is unreachable',
};

type ErrorAnswer = { description: string; content: { 'application/json': { schema: z.ZodType } } };

export function errorAnswers(...statuses: Array<400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 503>): Record<string, ErrorAnswer> {
  return Object.fromEntries(
    statuses.map((status) =>
      status === 422
        ? [
            422,
            {
              description: 'A field failed validation, or the source refused the credential',
              content: { 'application/json': { schema: z.union([validationDetail, detailError]) } },
            },
          ]
        : [status, { description: errorDescriptions[status] ?? 'Error', content: { 'application/json': { schema: detailError } } }],
    ),
  );
}

export const basicSecurity = [{ oauthConnectorsBasic: [] }];
export const tag = 'OAuth connectors API';
