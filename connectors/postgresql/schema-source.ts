import type { Checkpoint, ReadContext, Source, SourceDocument, SourcePage } from '../source.ts';
import type { PostgresqlConfig } from './config.ts';
import { connectSource, type SourceConnection } from './connection.ts';
import { POSTGRES_PAGE_SIZE, READER_COLUMN_PREFIX, cellText, rowText } from './rows.ts';

/** A table of the schema as the catalog describes it; `key` is its primary key's columns in order, null without one. */
export interface SchemaTable {
  name: string;
  key: string[] | null;
  columns: string[];
  /** Whether the credential may SELECT from it. */
  readable: boolean;
}

/** Where a read of the schema stands: the table being read (by name, so a table added or dropped meanwhile moves nothing) and its last key read. */
type SchemaPosition = { table: string; after: string | null; total: number };

const KEY = `${READER_COLUMN_PREFIX}_key`;
const LIST_BATCH = 5000;

/** A catalog name as a quoted identifier; unlike configured names it may hold any character. */
const quoteName = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A row's key values as they end its external id (`7/2`), each with `/` and `%` escaped, so the id splits back unambiguously. */
const keyPart = (key: string[]) => key.map((value) => value.replaceAll('%', '%25').replaceAll('/', '%2F')).join('/');

/**
 * The schema's tables (partitioned tables as a whole, not their partitions), in name order by code
 * unit, as the reader compares names.
 */
export async function schemaTables(connection: SourceConnection, schema: string): Promise<SchemaTable[]> {
  const rows = await connection.read<{ name: string; key: string[] | null; columns: string[]; readable: boolean }>(
    `SELECT c.relname::text AS name,
       (SELECT array_agg(a.attname::text ORDER BY k.ord)
          FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
         WHERE i.indrelid = c.oid AND i.indisprimary) AS key,
       (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
       has_table_privilege(c.oid, 'SELECT') AS readable
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
    [schema],
  );
  return rows.map((row) => ({ ...row, columns: row.columns ?? [] })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Why a table is not read, or undefined for one that is. */
function unreadReason(table: SchemaTable): string | undefined {
  if (!table.key) return 'the table has no primary key, so its rows have no stable id';
  if (!table.readable) return 'the credential may not SELECT from this table';
  return undefined;
}

/**
 * Every table of `schema` with a primary key, one document per row, each table in key order and
 * paged by its key. A table with `updatedAtColumn` is read incrementally by it; one without is read in
 * full every time, and its unchanged rows are not written again. Tables without a key are reported
 * as skipped on the first page.
 */
export function openSchemaSource(context: ReadContext<PostgresqlConfig>): Source {
  const { config, since } = context;
  const secret = context.credential?.secret as { username: string; password: string };
  const has = (table: SchemaTable, column: string | undefined) => (column !== undefined && table.columns.includes(column) ? column : undefined);
  const relation = (table: SchemaTable) => `${quoteName(config.schema)}.${quoteName(table.name)}`;

  /** The incremental filter of a table that has the updated-at column; `since` is always the statement's first parameter. */
  function sinceFilter(table: SchemaTable): string | undefined {
    const updated = has(table, config.updatedAtColumn);
    return updated && since ? `${quoteName(updated)} > $1::timestamptz` : undefined;
  }

  /**
   * Up to `limit` rows of a table after the key `after` (its columns' text, in key order): whole rows
   * changed since the last sync where the table can tell, or every row's key alone.
   */
  async function rowsAfter(
    connection: SourceConnection,
    table: SchemaTable,
    read: { after: string[] | null; limit: number; keysOnly?: boolean },
  ): Promise<Array<Record<string, unknown> & { [KEY]: string[] }>> {
    const keyColumns = (table.key as string[]).map(quoteName);
    const values: unknown[] = [];
    const where: string[] = [];
    const filter = read.keysOnly ? undefined : sinceFilter(table);
    if (filter) {
      where.push(filter);
      values.push(since);
    }
    if (read.after) {
      // Untyped parameters take each key column's type, so the comparison and the order are the primary key index's.
      where.push(`(${keyColumns.join(', ')}) > (${read.after.map((_, index) => `$${values.length + index + 1}`).join(', ')})`);
      values.push(...read.after);
    }
    const keyText = `ARRAY[${keyColumns.map((column) => `${column}::text`).join(', ')}] AS ${KEY}`;
    return connection.read(
      `SELECT ${read.keysOnly ? '' : '*, '}${keyText} FROM ${relation(table)} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${keyColumns.join(', ')} LIMIT ${read.limit}`,
      values,
    );
  }

  async function countRows(connection: SourceConnection, tables: SchemaTable[]): Promise<number> {
    let total = 0;
    for (const table of tables) {
      const filter = sinceFilter(table);
      const rows = await connection.read<{ count: number }>(
        `SELECT count(*)::int AS count FROM ${relation(table)} ${filter ? `WHERE ${filter}` : ''}`,
        filter ? [since] : [],
      );
      total += Number(rows[0]?.count ?? 0);
    }
    return total;
  }

  function document(table: SchemaTable, row: Record<string, unknown> & { [KEY]: string[] }): SourceDocument {
    const key = keyPart(row[KEY]);
    const title = has(table, config.titleColumn);
    const updated = has(table, config.updatedAtColumn);
    const contentColumns = config.contentColumns?.filter((column) => table.columns.includes(column));
    return {
      externalId: `${table.name}/${key}`,
      title: (title && cellText(row[title])) || key,
      url: null,
      body: rowText(row, contentColumns?.length ? contentColumns : undefined),
      mimeType: 'text/plain',
      metadata: { table: table.name, database: config.database },
      updatedAt: (updated && cellText(row[updated])) || null,
    };
  }

  return {
    async read(checkpoint: Checkpoint | null): Promise<SourcePage> {
      const connection = await connectSource(config, secret, context.policy, () => context.heartbeat());
      try {
        const tables = await schemaTables(connection, config.schema);
        const read = tables.filter((table) => unreadReason(table) === undefined);
        const resumed = checkpoint as unknown as SchemaPosition | null;
        const total = resumed?.total ?? (await countRows(connection, read));
        // Said once per sync, on its first page.
        const skipped = resumed
          ? []
          : tables.flatMap((table) => {
              const reason = unreadReason(table);
              return reason ? [{ externalId: table.name, reason }] : [];
            });
        const documents: SourceDocument[] = [];
        // A table dropped since the checkpoint is passed over: the next one by name continues.
        let index = resumed ? read.findIndex((table) => table.name >= resumed.table) : 0;
        let after = resumed?.after && read[index]?.name === resumed.table ? (JSON.parse(resumed.after) as string[]) : null;
        for (; index !== -1 && index < read.length; index += 1, after = null) {
          const table = read[index] as SchemaTable;
          const limit = POSTGRES_PAGE_SIZE - documents.length;
          const rows = await rowsAfter(connection, table, { after, limit });
          documents.push(...rows.map((row) => document(table, row)));
          if (rows.length === limit) {
            const next: SchemaPosition = { table: table.name, after: JSON.stringify(rows.at(-1)?.[KEY]), total };
            return { documents, skipped, next: next as unknown as Checkpoint, total };
          }
        }
        return { documents, skipped, next: null, total };
      } finally {
        await connection.end();
      }
    },
    async *listIds() {
      const connection = await connectSource(config, secret, context.policy, () => context.heartbeat());
      try {
        for (const table of await schemaTables(connection, config.schema)) {
          if (unreadReason(table) !== undefined) continue;
          for (let after: string[] | null = null; ;) {
            // Every row, whatever its updated-at: a prune asks what exists, not what changed.
            const rows = await rowsAfter(connection, table, { after, limit: LIST_BATCH, keysOnly: true });
            if (rows.length > 0) yield rows.map((row) => `${table.name}/${keyPart(row[KEY])}`);
            if (rows.length < LIST_BATCH) break;
            after = rows.at(-1)?.[KEY] ?? null;
          }
        }
      } finally {
        await connection.end();
      }
    },
  };
}
