import { z } from 'zod';
import { resourceIdSchema } from './ids.ts';

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
      authorizationUrl: z.url().optional(),
      tokenUrl: z.url().optional(),
    })
    .strict()
    .meta({
      description:
        'An OAuth2 client; tokens are obtained through the authorize/callback flow. `authorizationUrl` and `tokenUrl` override the provider defaults (for example a Microsoft tenant).',
    }),
  aws: z
    .object({ accessKeyId: z.string().min(1), secretAccessKey: secretText, sessionToken: secretText.optional() })
    .strict(),
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
      .map(([field, value]) => {
        const text = String(value);
        return [field, text.length >= 12 ? `••••${text.slice(-4)}` : '••••'];
      }),
  );
}

export const credentialIdSchema = resourceIdSchema;
