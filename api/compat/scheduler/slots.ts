import { z } from 'zod';
import { findConnectorDefinition } from '../../../connectors/registry.ts';
import type { Connector } from '../../../domain/connector.ts';
import type { SeedPaths, ValidationIssue } from './http-exception.ts';

/** The connector types the seed lists, in its order. */
export const seedTypes = ['google_drive', 'impersonated_google_drive', 'web_scraper', 'upload', 'confluence', 'jira', 'sharepoint', 'onedrive'] as const;
export type SeedType = (typeof seedTypes)[number];

/** Slots whose name is not the snake_case of the config field; every other slot is its config field in snake_case. */
const renamedSlots: Partial<Record<SeedType, Record<string, string>>> = {
  confluence: { base_url: 'instanceUrl', cql_query: 'cql', spaces: 'spaceKeys', pages_w_child: 'pagesWithChildren' },
  jira: { jql_query: 'jql' },
};

/** The seed's own rule ("slots MUST contain"), whatever Tributary's configs also accept. */
const requiredSlots: Partial<Record<SeedType, readonly string[]>> = {
  google_drive: ['root_file_id'],
  impersonated_google_drive: ['root_file_id', 'target_account'],
};

/** Config fields the seed nests under the `config` slot. */
const nestedSlots: Partial<Record<SeedType, readonly string[]>> = {
  confluence: ['includeAttachments', 'searchChildren', 'searchFolders'],
  jira: ['includeAttachments', 'searchChildrenIssues', 'searchParentIssues'],
};

/** The web scraper's `email` names the owner of the files it stores; Tributary keeps it as this metadata key. */
const OWNER_SLOT = 'email';
const OWNER_METADATA_KEY = 'owner';
const NESTED = 'config';

const camelCase = (name: string) => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

function configFields(type: SeedType): Set<string> {
  const schema = findConnectorDefinition(type)?.configSchema;
  return new Set(schema instanceof z.ZodObject ? Object.keys(schema.shape) : []);
}

function fieldOfSlot(type: SeedType, slot: string): string | undefined {
  const field = renamedSlots[type]?.[slot] ?? camelCase(slot);
  return configFields(type).has(field) ? field : undefined;
}

/** The slot path of a config field, as the seed names it: `["base_url"]`, `["config", "include_attachments"]`. */
export function slotPathOf(type: SeedType, field: string): string[] {
  const renamed = Object.entries(renamedSlots[type] ?? {}).find(([, configField]) => configField === field)?.[0];
  const slot = renamed ?? snakeCase(field);
  return nestedSlots[type]?.includes(field) ? [NESTED, slot] : [slot];
}

/** A Confluence Cloud site's REST API lives under `/wiki`, which the seed's `base_url` leaves out (as atlassian-python-api adds it). */
function confluenceInstanceUrl(baseUrl: unknown): unknown {
  if (typeof baseUrl !== 'string' || !URL.canParse(baseUrl)) return baseUrl;
  const url = new URL(baseUrl);
  const cloud = url.hostname.endsWith('.atlassian.net');
  return cloud && !url.pathname.includes('/wiki') ? `${baseUrl.replace(/\/+$/, '')}/wiki` : baseUrl;
}

function confluenceBaseUrl(instanceUrl: unknown): unknown {
  return typeof instanceUrl === 'string' && URL.canParse(instanceUrl) && new URL(instanceUrl).hostname.endsWith('.atlassian.net')
    ? instanceUrl.replace(/\/wiki$/, '')
    : instanceUrl;
}

/** Metadata keeps strings; any other value of an extra slot is kept as its JSON text. */
const metadataValue = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * Splits the seed's slots into the type's config (camelCase fields, the nested `config` slot
 * flattened) and metadata: the seed lets a client add slots of its own, and Tributary's configs are
 * strict, so each slot that is no config field is kept as a metadata pair under its slot name.
 */
export function configOfSlots(type: SeedType, slots: Record<string, unknown>): { config: Record<string, unknown>; metadata: Record<string, string> } {
  const config: Record<string, unknown> = {};
  const metadata: Record<string, string> = {};
  const place = (slot: string, value: unknown, metadataKey: string) => {
    const field = fieldOfSlot(type, slot);
    if (field) config[field] = type === 'confluence' && field === 'instanceUrl' ? confluenceInstanceUrl(value) : value;
    else if (type === 'web_scraper' && metadataKey === OWNER_SLOT) metadata[OWNER_METADATA_KEY] = metadataValue(value);
    else metadata[metadataKey] = metadataValue(value);
  };
  for (const [slot, value] of Object.entries(slots)) {
    if (slot === NESTED && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [nested, nestedValue] of Object.entries(value)) place(nested, nestedValue, `${NESTED}.${nested}`);
    } else {
      place(slot, value, slot);
    }
  }
  return { config, metadata };
}

/** The slots the seed requires of `type` that `slots` lacks, as FastAPI's `missing` issues. */
export function missingSlotIssues(type: SeedType, slots: Record<string, unknown>): ValidationIssue[] {
  return (requiredSlots[type] ?? [])
    .filter((slot) => slots[slot] === undefined || slots[slot] === null)
    .map((slot) => ({ loc: ['body', 'slots', slot], msg: 'Field required', type: 'missing' }));
}

/** The connector's config and metadata as the seed's slots. */
export function slotsOfConnector(type: SeedType, connector: Pick<Connector, 'config' | 'metadata'>): Record<string, unknown> {
  const slots: Record<string, unknown> = {};
  const put = (path: string[], value: unknown) => {
    const [first, second] = path as [string, string?];
    if (second === undefined) slots[first] = value;
    else slots[first] = { ...(slots[first] as Record<string, unknown> | undefined), [second]: value };
  };
  for (const [field, value] of Object.entries(connector.config)) {
    put(slotPathOf(type, field), type === 'confluence' && field === 'instanceUrl' ? confluenceBaseUrl(value) : value);
  }
  for (const [key, value] of Object.entries(connector.metadata)) {
    if (type === 'web_scraper' && key === OWNER_METADATA_KEY) put([OWNER_SLOT], value);
    else put(key.startsWith(`${NESTED}.`) ? [NESTED, key.slice(NESTED.length + 1)] : [key], value);
  }
  return slots;
}

/**
 * Where a field of Tributary's create body came from in the seed's request, as a FastAPI `loc`:
 * a config field is its slot, a metadata key the extra slot it was made from, the schedule the
 * `scheduler_value` query parameter.
 */
function seedLocOf(type: SeedType, path: readonly string[]): Array<string | number> {
  const [head, key, ...rest] = path;
  switch (head) {
    case 'config':
      return key === undefined ? ['body', 'slots'] : ['body', 'slots', ...slotPathOf(type, key), ...rest];
    case 'metadata':
      if (key === undefined) return ['body', 'slots'];
      if (type === 'web_scraper' && key === OWNER_METADATA_KEY) return ['body', 'slots', OWNER_SLOT];
      return ['body', 'slots', ...(key.startsWith(`${NESTED}.`) ? [NESTED, key.slice(NESTED.length + 1)] : [key])];
    case 'schedule':
      return ['query', 'scheduler_value'];
    default:
      return ['body', ...path];
  }
}

/** The seed's request paths of a connector of `type`; a metadata limit is explained as one of extra slots. */
export function seedPathsOf(type: SeedType): SeedPaths {
  return {
    locOf: (path) => seedLocOf(type, path),
    explain: (path, message) =>
      path[0] === 'metadata'
        ? `${message} (slots that are no setting of ${type} are kept as connector metadata: at most 16, names of at most 64 characters, values of at most 512)`
        : message,
  };
}

/** For the OpenAPI description: each type's slots, generated from the config schemas. */
export function slotNamesOf(type: SeedType): string[] {
  return [...configFields(type)].map((field) => slotPathOf(type, field).join('.'));
}
