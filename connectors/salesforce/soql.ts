import type { SalesforceField, SObjectDescribe } from './api.ts';

/** Field types whose values are text a person would search for. */
const TEXT_TYPES = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox']);
/** Fields every document needs when the object has them: its id, dates and owner. */
const RECORD_FIELDS = ['Id', 'SystemModstamp', 'CreatedDate', 'LastModifiedDate', 'OwnerId'];

/** What a sync reads of an object, from its description. */
export interface FieldSelection {
  /** The object as the config names it. */
  object: string;
  /** The object's name field (`Name`, `CaseNumber`, `Subject`...), the document's title; null when it has none. */
  nameField: string | null;
  /** The text fields, in the description's order: the document's text. */
  textFields: SalesforceField[];
  /** Whether the object has an `Owner` whose name can be selected. */
  hasOwner: boolean;
  /** What a record query selects: the record's own fields, the name field, the text fields and the owner's name. */
  fields: string[];
}

/** `object` as the config names it, which every external id uses (Salesforce's names are case-insensitive). */
export function selectionOf(object: string, describe: SObjectDescribe): FieldSelection {
  const visible = describe.fields.filter((field) => !field.deprecatedAndHidden);
  const present = new Set(visible.map((field) => field.name));
  const nameField = visible.find((field) => field.nameField)?.name ?? null;
  const textFields = visible.filter((field) => TEXT_TYPES.has(field.type));
  const hasOwner = visible.some((field) => field.name === 'OwnerId' && field.relationshipName === 'Owner');
  const fields = [
    ...RECORD_FIELDS.filter((name) => present.has(name)),
    ...(nameField ? [nameField] : []),
    ...textFields.map((field) => field.name),
    ...(hasOwner ? ['Owner.Name'] : []),
  ];
  return { object, nameField, textFields, hasOwner, fields: [...new Set(fields)] };
}

/**
 * The SOQL of an object's records in a stable order, oldest change first with the id breaking ties:
 * `soqlFilter` and, incrementally, `SystemModstamp >= since` ANDed.
 * @example
 * recordsQuery({ object: 'Account', fields: ['Id', 'Name'] }, "Industry = 'Energy'", '2026-01-01T00:00:00.000Z')
 * // SELECT Id, Name FROM Account WHERE (Industry = 'Energy') AND SystemModstamp >= 2026-01-01T00:00:00Z ORDER BY SystemModstamp ASC, Id ASC
 */
export function recordsQuery(selection: Pick<FieldSelection, 'object' | 'fields'>, filter: string | undefined, since: string | null): string {
  const conditions = [...(filter ? [`(${whereClauseOf(filter)})`] : []), ...(since ? [`SystemModstamp >= ${soqlDateTime(since)}`] : [])];
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT ${selection.fields.join(', ')} FROM ${selection.object}${where} ORDER BY SystemModstamp ASC, Id ASC`;
}

/** Every record id of an object that `soqlFilter` selects, for pruning. */
export function idsQuery(object: string, filter: string | undefined): string {
  return `SELECT Id FROM ${object}${filter ? ` WHERE (${whereClauseOf(filter)})` : ''}`;
}

/** A filter written as a whole clause, `WHERE Industry = 'Energy'`, reads as its condition. */
function whereClauseOf(filter: string): string {
  return filter.trim().replace(/^where\s+/i, '');
}

/**
 * A SOQL datetime literal: unquoted, UTC, to the second as SystemModstamp is kept. Rounded down and
 * compared with `>=`, so a change in the same second as `since` is read again rather than missed.
 */
export function soqlDateTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
