import type { SourceDocument } from '../source.ts';
import type { SalesforceField, SalesforceRecord } from './api.ts';
import type { FieldSelection } from './soql.ts';

/** Values longer than this stay in the text only; metadata is for fields one filters by. */
const SHORT_VALUE = 255;

/** Ids are unique per org, not per object; the object keeps the id readable and pruning exact. */
export const recordId = (object: string, id: string) => `${object}/${id}`;

/**
 * A record as a document: its name field as title, each text field as a `Label: value` line, a link
 * to the record in Lightning, and its short text fields (picklists, e-mails, phones...) as metadata.
 */
export function recordDocument(instanceUrl: string, selection: FieldSelection, record: SalesforceRecord): SourceDocument {
  const { object } = selection;
  const lines: string[] = [];
  const short: Record<string, string> = {};
  for (const field of selection.textFields) {
    const value = textOf(field, record[field.name]);
    if (value === '') continue;
    lines.push(`${field.label}: ${value}`);
    if (field.type !== 'textarea' && value.length <= SHORT_VALUE) short[field.name] = value;
  }
  const modified = isoOf(record.SystemModstamp) ?? record.SystemModstamp;
  const created = isoOf(record.CreatedDate);
  const owner = record.Owner?.Name;
  const name = selection.nameField ? textOf(undefined, record[selection.nameField]) : '';
  return {
    externalId: recordId(object, record.Id),
    title: name || `${object} ${record.Id}`,
    url: `${instanceUrl}/lightning/r/${object}/${record.Id}/view`,
    body: lines.join('\n'),
    mimeType: 'text/plain',
    metadata: {
      ...short,
      object,
      modified,
      ...(created ? { created } : {}),
      ...(owner ? { owner } : {}),
    },
    updatedAt: modified,
  };
}

/** A field's value as plain text: rich text areas lose their HTML, anything absent is empty. */
function textOf(field: SalesforceField | undefined, value: unknown): string {
  if (typeof value !== 'string') return '';
  const text = field?.extraTypeInfo === 'richtextarea' ? htmlToText(value) : value;
  return text.trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** Salesforce's rich text is a small HTML subset: line breaks and blocks become new lines, tags go. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/(?:p|div|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_match, entity: string) => ENTITIES[entity] ?? '')
    .replace(/\n{3,}/g, '\n\n');
}

/** Salesforce's `2026-01-01T10:00:00.000+0000` as ISO 8601 in UTC. */
function isoOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
