import type { Checkpoint, ReadContext, Source, SourceDocument, SourcePage } from '../source.ts';
import { connectSource, sourceRelation, type SourceConnection } from './connection.ts';
import type { PostgresqlConfig } from './config.ts';
import { POSTGRES_PAGE_SIZE, cellText, rowText } from './rows.ts';
import { openSchemaSource } from './schema-source.ts';

type RowCheckpoint = { afterId: string | null; afterUpdated: string | null; total: number };

const quote = (identifier: string) => `"${identifier}"`;

/** The rows of the configured table or query, or without either those of every table of the schema. */
export function openPostgresSource(context: ReadContext<PostgresqlConfig>): Source {
  // The config schema admits idColumn exactly when table or query is set.
  const { idColumn } = context.config;
  return idColumn ? openRelationSource(context, idColumn) : openSchemaSource(context);
}

/**
 * Rows of a table or query, in keyset order: by (updated-at column, id) when there is one, so an
 * incremental sync reads only rows changed since the last one; else by id. Every statement is
 * read-only and time-limited on the server (see `connectSource`).
 */
function openRelationSource(context: ReadContext<PostgresqlConfig>, idColumn: string): Source {
  const { config, since } = context;
  const secret = context.credential?.secret as { username: string; password: string };
  const relation = sourceRelation(config);
  const id = quote(idColumn);
  const updated = config.updatedAtColumn ? quote(config.updatedAtColumn) : undefined;
  const sinceFilter = updated && since ? `${updated} > $SINCE::timestamptz` : undefined;

  function build(position: RowCheckpoint): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    const parameter = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    const where: string[] = [];
    if (sinceFilter) where.push(sinceFilter.replace('$SINCE', parameter(since)));
    if (updated && position.afterUpdated !== null) {
      where.push(`(${updated}, ${id}::text) > (${parameter(position.afterUpdated)}::timestamptz, ${parameter(position.afterId)})`);
    } else if (!updated && position.afterId !== null) {
      where.push(`${id}::text > ${parameter(position.afterId)}`);
    }
    const order = updated ? `${updated}, ${id}::text` : `${id}::text`;
    const cursorColumns = `${id}::text AS __tributary_id${updated ? `, ${updated}::text AS __tributary_updated` : ''}`;
    return {
      text: `SELECT *, ${cursorColumns} FROM ${relation} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${POSTGRES_PAGE_SIZE}`,
      values,
    };
  }

  async function count(connection: SourceConnection): Promise<number> {
    const filter = sinceFilter ? `WHERE ${sinceFilter.replace('$SINCE', '$1')}` : '';
    const rows = await connection.read<{ count: number }>(`SELECT count(*)::int AS count FROM ${relation} ${filter}`, sinceFilter ? [since] : []);
    return Number(rows[0]?.count ?? 0);
  }

  return {
    async read(checkpoint: Checkpoint | null): Promise<SourcePage> {
      const connection = await connectSource(config, secret, context.policy, () => context.heartbeat());
      try {
        const position: RowCheckpoint = (checkpoint as unknown as RowCheckpoint | null) ?? {
          afterId: null,
          afterUpdated: null,
          total: await count(connection),
        };
        const query = build(position);
        const rows = await connection.read(query.text, query.values);
        const documents: SourceDocument[] = rows.map((row) => {
          const updatedAt = config.updatedAtColumn ? row[config.updatedAtColumn] : null;
          return {
            externalId: cellText(row.__tributary_id),
            title: config.titleColumn ? cellText(row[config.titleColumn]) || null : null,
            url: null,
            body: rowText(row, config.contentColumns),
            mimeType: 'text/plain',
            metadata: { table: config.table ?? 'query', database: config.database },
            updatedAt: cellText(updatedAt) || null,
          };
        });
        const last = rows.at(-1);
        const next: RowCheckpoint | null =
          rows.length < POSTGRES_PAGE_SIZE || !last
            ? null
            : {
                afterId: cellText(last.__tributary_id),
                afterUpdated: last.__tributary_updated === undefined ? null : cellText(last.__tributary_updated),
                total: position.total,
              };
        return { documents, next: next as unknown as Checkpoint | null, total: position.total };
      } finally {
        await connection.end();
      }
    },
    async *listIds() {
      const connection = await connectSource(config, secret, context.policy, () => context.heartbeat());
      try {
        for (let after: string | null = null; ;) {
          const rows: Array<{ id: string }> = await connection.read(
            `SELECT ${id}::text AS id FROM ${relation} ${after === null ? '' : `WHERE ${id}::text > $1`} ORDER BY ${id}::text LIMIT 5000`,
            after === null ? [] : [after],
          );
          if (rows.length > 0) yield rows.map((row) => row.id);
          if (rows.length < 5000) return;
          after = rows.at(-1)?.id ?? null;
        }
      } finally {
        await connection.end();
      }
    },
  };
}
