import { asList } from '../../../domain/comma-list.ts';
import { credentialSecretSchemas, type CredentialKind } from '../../../domain/credential.ts';
import { invalidField } from './errors.ts';

/** How an Elastic field becomes a config field: `list` splits "A,B" into a list, `single` takes the one item of a list. */
type ConfigField = { to: string; as?: 'list' | 'single' | 'number' };
type CredentialFields = { kind: CredentialKind; fields: Record<string, string> };

interface ServiceFields {
  config: Record<string, ConfigField>;
  /** Secret fields of Elastic's configuration: stored as a Tributary credential, never in the config. */
  credentials: CredentialFields[];
}

const atlassianCredentials: CredentialFields[] = [
  { kind: 'api_token', fields: { account_email: 'email', api_token: 'token' } },
  { kind: 'basic', fields: { username: 'username', password: 'password' } },
  { kind: 'basic', fields: { data_center_username: 'username', data_center_password: 'password' } },
];
const microsoftCredentials: CredentialFields[] = [
  { kind: 'oauth2', fields: { client_id: 'clientId', secret_value: 'clientSecret', client_secret: 'clientSecret' } },
];

/** Elastic's configuration field names (its connectors' documentation) per Tributary source type. */
const fieldsOfType: Record<string, ServiceFields> = {
  jira: { config: { jira_url: { to: 'baseUrl' }, projects: { to: 'projectKey', as: 'single' } }, credentials: atlassianCredentials },
  confluence: { config: { confluence_url: { to: 'instanceUrl' }, spaces: { to: 'spaceKeys', as: 'list' } }, credentials: atlassianCredentials },
  github: { config: { repositories: { to: 'repos', as: 'list' }, host: { to: 'apiUrl' } }, credentials: [{ kind: 'api_token', fields: { token: 'token' } }] },
  s3: {
    config: { buckets: { to: 'bucket', as: 'single' } },
    credentials: [{ kind: 'aws', fields: { aws_access_key_id: 'accessKeyId', aws_secret_access_key: 'secretAccessKey' } }],
  },
  postgresql: {
    config: {
      host: { to: 'host' },
      port: { to: 'port', as: 'number' },
      database: { to: 'database' },
      schema: { to: 'schema' },
      tables: { to: 'table', as: 'single' },
    },
    credentials: [{ kind: 'database_password', fields: { username: 'username', password: 'password' } }],
  },
  slack: { config: { channels: { to: 'channels', as: 'list' } }, credentials: [{ kind: 'api_token', fields: { token: 'token' } }] },
  notion: { config: { pages: { to: 'rootPageIds', as: 'list' } }, credentials: [{ kind: 'api_token', fields: { notion_secret_key: 'token' } }] },
  salesforce: {
    config: { standard_objects_to_sync: { to: 'objects', as: 'list' } },
    credentials: [{ kind: 'oauth2', fields: { client_id: 'clientId', client_secret: 'clientSecret' } }],
  },
  sharepoint: { config: { site_collections: { to: 'urls', as: 'list' } }, credentials: microsoftCredentials },
  onedrive: { config: {}, credentials: microsoftCredentials },
};

/** Settings of Elastic's connector service that Tributary's readers decide for themselves: accepted and left aside. */
const serviceSettings = new Set([
  'data_source',
  'ssl_enabled',
  'ssl_ca',
  'retry_count',
  'concurrent_downloads',
  'use_text_extraction_service',
  'use_document_level_security',
  'fetch_size',
  'read_timeout',
  'connect_timeout',
  'max_attempts',
  'page_size',
  'auth_method',
]);

/** What a `_configuration` request stands for: config fields to set, and a credential to store and bind. */
export interface MappedConfiguration {
  config: Record<string, unknown>;
  credential?: { kind: CredentialKind; secret: Record<string, unknown> };
  /** Tributary's config field → the Elastic field it came from, to name the caller's field in errors. */
  sourceOf: Record<string, string>;
}

/** "*" means everything in Elastic, which is Tributary's default when the field is absent. */
const isEverything = (value: unknown) => value === '*' || (Array.isArray(value) && value.length === 1 && value[0] === '*');

function converted(field: string, value: unknown, as: ConfigField['as']): unknown {
  if (as === 'list') return asList(value);
  if (as === 'number' && typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  if (as !== 'single') return value;
  const items = asList(value);
  if (!Array.isArray(items)) return items;
  if (items.length !== 1) throw invalidField(['configuration', field], 'Tributary takes exactly one value here');
  return items[0];
}

/**
 * Maps Elastic's field names onto the type's config and its credential. A field of neither, in
 * Elastic's snake_case or Tributary's own camelCase, is kept under its camelCase name for the type's
 * schema to judge, so Tributary-only fields (a PostgreSQL `id_column`) can be set too.
 */
export function mapConfiguration(type: string, values: Record<string, unknown>): MappedConfiguration {
  const known = fieldsOfType[type] ?? { config: {}, credentials: [] };
  const config: Record<string, unknown> = {};
  const sourceOf: Record<string, string> = {};
  const secrets = new Map<CredentialFields, Record<string, unknown>>();
  for (const [field, value] of Object.entries(values)) {
    if (value === null || value === '' || serviceSettings.has(field)) continue;
    const credentials = known.credentials.find((candidate) => field in candidate.fields);
    if (credentials) {
      secrets.set(credentials, { ...secrets.get(credentials), [credentials.fields[field] as string]: value });
      continue;
    }
    const mapped = known.config[field];
    if (mapped && isEverything(value)) continue;
    const to = mapped?.to ?? field.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
    config[to] = converted(field, value, mapped?.as);
    sourceOf[to] = field;
  }
  if (secrets.size > 1) throw invalidField(['configuration'], `send the fields of one way to sign in, not of ${secrets.size}`);
  const [entry] = secrets;
  if (!entry) return { config, sourceOf };
  const [{ kind, fields }, secret] = entry;
  const parsed = credentialSecretSchemas[kind].safeParse(secret);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const secretField = String(issue?.path[0] ?? '');
    const field = Object.entries(fields).find(([, to]) => to === secretField)?.[0] ?? secretField;
    throw invalidField(['configuration', field], issue?.message ?? 'invalid');
  }
  return { config, credential: { kind, secret: parsed.data }, sourceOf };
}

/** Elastic's name of a Tributary config field, for answers and errors. */
export function elasticFieldOf(type: string, configField: string): string {
  const known = fieldsOfType[type]?.config ?? {};
  return Object.entries(known).find(([, mapped]) => mapped.to === configField)?.[0] ?? configField.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
