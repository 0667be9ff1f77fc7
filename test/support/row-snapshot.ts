import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';

/** Every table of db/schema.ts; the type below fails to compile when one is added there and not here. */
export const tables = [
  'workspaces',
  'api_keys',
  'connectors',
  'credentials',
  'oauth_states',
  'documents',
  'sync_jobs',
  'uploaded_files',
  'crawl_frontier',
  'sync_failures',
  'document_changes',
  'document_change_horizons',
  'webhooks',
  'webhook_deliveries',
] as const satisfies ReadonlyArray<keyof Database>;
type Unlisted = Exclude<keyof Database, (typeof tables)[number]>;
const everyTableListed: Unlisted extends never ? true : false = true;

/** Tables with `updated_at`, so an update is seen as well as an insert or a delete. */
const updatedTables = ['connectors', 'credentials', 'sync_jobs', 'uploaded_files'] as const satisfies ReadonlyArray<keyof Database>;

export type RowSnapshot = Record<string, string>;

/** Row counts of every table: a refused request must leave each as it was. */
export async function countRows(db: Db): Promise<Record<string, number>> {
  const columns = tables.map((table) => `(SELECT count(*) FROM ${table}) AS ${table}`);
  const result = await sql<Record<string, unknown>>`SELECT ${sql.raw(columns.join(', '))}`.execute(db);
  return Object.fromEntries(Object.entries(result.rows[0] ?? {}).map(([table, count]) => [table, Number(count)]));
}

/** Row counts of every table and the latest `updated_at` of the mutable ones, in one round trip. */
export async function snapshotRows(db: Db): Promise<RowSnapshot> {
  if (!everyTableListed) throw new Error('a table of db/schema.ts is missing from the list');
  const columns = [
    ...tables.map((table) => `(SELECT count(*) FROM ${table}) AS ${table}`),
    ...updatedTables.map((table) => `(SELECT max(updated_at) FROM ${table}) AS ${table}_updated_at`),
    '(SELECT sum(version) FROM connectors) AS connector_versions',
  ];
  const result = await sql<Record<string, unknown>>`SELECT ${sql.raw(columns.join(', '))}`.execute(db);
  const row = result.rows[0] ?? {};
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, String(value)]));
}

/** `table: before → after` for each value that changed; empty when none did. */
export function rowChanges(before: RowSnapshot, after: RowSnapshot): string[] {
  return Object.keys(after)
    .filter((key) => before[key] !== after[key])
    .map((key) => `${key}: ${before[key]} → ${after[key]}`);
}
