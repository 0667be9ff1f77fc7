import { z } from 'zod';
import { httpUrlSchema } from './http-url.ts';
import { maskedSecret } from './secret-hint.ts';

const secretText = z.string().min(1).max(16_384);

/** The secret fields of each credential kind; every field is write-only. */
export const credentialSecretSchemas = {
  api_token: z
    .object({ token: secretText, email: z.string().email().optional(), username: z.string().min(1).optional() })
    .strict()
    .meta({ description: 'An API or bot token; Atlassian tokens also need the account `email`.' }),
  basic: z.object({ username: z.string().min(1), password: secretText }).strict(),
  oauth2: z
    .object({
      clientId: z.string().min(1),
      clientSecret: secretText,
      accessToken: secretText.optional(),
      refreshToken: secretText.optional(),
      expiresAt: z.iso.datetime().optional(),
      scope: z.string().optional(),
      authorizationUrl: httpUrlSchema.optional(),
      tokenUrl: httpUrlSchema.optional(),
      instanceUrl: httpUrlSchema
        .optional()
        .meta({ description: 'The API host the token answer named (Salesforce’s `instance_url`); kept from each exchange and refresh.' }),
    })
    .strict()
    .meta({
      description:
        'An OAuth2 client; tokens are obtained through the authorize/callback flow. `authorizationUrl` and `tokenUrl` override the provider defaults (for example a Microsoft tenant).',
    }),
  aws: z.object({ accessKeyId: z.string().min(1), secretAccessKey: secretText, sessionToken: secretText.optional() }).strict(),
  database_password: z.object({ username: z.string().min(1), password: secretText }).strict(),
  service_account: z
    .object({ clientEmail: z.string().email(), privateKey: secretText })
    .strict()
    .meta({ description: 'A Google service account key with domain-wide delegation.' }),
} as const;

export type CredentialKind = keyof typeof credentialSecretSchemas;
export const credentialKinds = Object.keys(credentialSecretSchemas) as CredentialKind[];
export type CredentialSecret<K extends CredentialKind = CredentialKind> = z.infer<(typeof credentialSecretSchemas)[K]>;

export const credentialSchema = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    name: z.string(),
    type: z.string().meta({ description: 'The source type this credential is for.' }),
    kind: z.enum(credentialKinds as [CredentialKind, ...CredentialKind[]]),
    fields: z
      .record(z.string(), z.string())
      .meta({ description: 'Each secret field with at most its last four characters; the secret itself is never returned.' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Credential' });

export type Credential = z.infer<typeof credentialSchema>;

/** What a response may show of a secret: the field names and at most the last four characters. */
export function secretHints(secret: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secret)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => [field, maskedSecret(String(value))]),
  );
}

const credentialBodyVariants = credentialKinds.map((kind) =>
  z
    .object({
      name: z.string().trim().min(1).max(200),
      type: z.string().min(1).meta({ description: 'The source type, e.g. jira.' }),
      kind: z.literal(kind),
      secret: credentialSecretSchemas[kind],
    })
    .strict(),
);

/** Body of `POST /v1/credentials`; whether `type` takes `kind` is checked against the connector registry. */
export const createCredentialBodySchema = z
  .discriminatedUnion('kind', credentialBodyVariants as [(typeof credentialBodyVariants)[number], ...typeof credentialBodyVariants], {
    error: (issue) => (issue.code === 'invalid_union' ? `unknown credential kind; expected one of: ${credentialKinds.join(', ')}` : undefined),
  })
  .meta({ id: 'CreateCredential' }) as unknown as z.ZodType<{
  name: string;
  type: string;
  kind: CredentialKind;
  secret: CredentialSecret;
}>;

export type CreateCredentialBody = z.infer<typeof createCredentialBodySchema>;

/** Body of `PATCH /v1/credentials/{id}`: a new name and/or a whole new secret of the same kind. */
export const updateCredentialBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    secret: z.record(z.string(), z.unknown()).optional().meta({ description: 'A whole new secret, validated against the credential’s kind.' }),
  })
  .strict()
  .refine((body) => body.name !== undefined || body.secret !== undefined, { message: 'send name, secret or both' })
  .meta({ id: 'UpdateCredential' });

/** Body of `PATCH /v1/credentials/{id}`. */
export type UpdateCredentialBody = z.infer<typeof updateCredentialBodySchema>;
