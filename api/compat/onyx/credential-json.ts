import type { CredentialKind } from '../../../domain/credential.ts';
import { onyxValidationError } from './errors.ts';

/** An Onyx source's `credential_json` as one Tributary credential kind: Onyx key → secret field. */
interface CredentialMapping {
  kind: CredentialKind;
  fields: Record<string, string>;
  /** Turns the mapped fields into the secret, when a field needs more than a rename. */
  adjust?: (secret: Record<string, unknown>) => Record<string, unknown>;
}

const looksLikeEmail = (value: unknown) => typeof value === 'string' && /^[^@\s]+@[^@\s]+$/.test(value);

const credentialMappings: Record<string, CredentialMapping> = {
  jira: { kind: 'api_token', fields: { jira_api_token: 'token', jira_user_email: 'email' } },
  confluence: {
    kind: 'api_token',
    fields: { confluence_access_token: 'token', confluence_username: 'email' },
    // Confluence Cloud pairs the token with the account e-mail; Data Center with a user name.
    adjust: ({ email, ...rest }) => (email === undefined || looksLikeEmail(email) ? { ...rest, email } : { ...rest, username: email }),
  },
  github: { kind: 'api_token', fields: { github_access_token: 'token' } },
  slack: { kind: 'api_token', fields: { slack_bot_token: 'token' } },
  notion: { kind: 'api_token', fields: { notion_integration_token: 'token' } },
};

const jsonLoc = (key: string) => ['body', 'credential_json', key];

/** The kind and secret an Onyx `credential_json` stands for; a 422 names the key Tributary cannot take. */
export function secretFromOnyx(source: string, credentialJson: Record<string, unknown>): { kind: CredentialKind; secret: Record<string, unknown> } {
  const mapping = credentialMappings[source];
  if (!mapping) {
    throw onyxValidationError([
      {
        loc: ['body', 'source'],
        msg: `Tributary takes ${source} credentials only through POST /v1/credentials (or the OAuth consent flow); here it takes: ${Object.keys(credentialMappings).join(', ')}`,
        type: 'value_error',
      },
    ]);
  }
  const secret: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(credentialJson)) {
    const field = mapping.fields[key];
    if (!field) {
      throw onyxValidationError([
        { loc: jsonLoc(key), msg: `is not a field of a ${source} credential; it takes: ${Object.keys(mapping.fields).join(', ')}`, type: 'value_error' },
      ]);
    }
    if (value !== null && value !== '') secret[field] = value;
  }
  return { kind: mapping.kind, secret: mapping.adjust ? mapping.adjust(secret) : secret };
}

/** Where a secret field of a credential for `source` sits in Onyx's `credential_json`. */
export function onyxCredentialKey(source: string, field: string): string {
  const fields = credentialMappings[source]?.fields ?? {};
  const renamed = field === 'username' && source === 'confluence' ? 'email' : field;
  return Object.entries(fields).find(([, secretField]) => secretField === renamed)?.[0] ?? field;
}
