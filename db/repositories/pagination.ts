import type { SelectQueryBuilder } from 'kysely';
import type { Database } from '../schema.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cursors are opaque to clients: the (created_at, id) of the last row, base64url-encoded. */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

export function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) return value as [string, string];
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidCursorError('cursor is not one this API returned');
}

type Paged = 'connectors' | 'credentials' | 'documents' | 'webhooks' | 'webhook_deliveries';

/**
 * Keyset pagination in creation order (or newest first with `desc`), stable under concurrent inserts.
 */
export async function pageQuery<T extends Paged, Row extends { created_at?: string; id: string }, Item>(
  query: SelectQueryBuilder<Database, T, Row>,
  options: { cursor?: string | undefined; limit: number },
  toItem: (row: Row) => Item,
  orderColumn: 'created_at' | 'id' = 'created_at',
  direction: 'asc' | 'desc' = 'asc',
): Promise<Page<Item>> {
  let paged = query;
  if (options.cursor) {
    const [at, id] = decodeCursor(options.cursor);
    const after = direction === 'asc' ? '>' : '<';
    paged = paged.where((eb) =>
      eb.or([
        eb(eb.ref(orderColumn as never), after, at as never),
        eb.and([eb(eb.ref(orderColumn as never), '=', at as never), eb('id' as never, after, id as never)]),
      ]),
    );
  }
  const rows = await paged
    .orderBy(orderColumn as never, direction)
    .orderBy('id' as never, direction)
    .limit(options.limit + 1)
    .execute();
  const items = rows.slice(0, options.limit);
  const last = items.at(-1) as (Row & Record<string, string>) | undefined;
  return {
    items: items.map(toItem),
    nextCursor: rows.length > options.limit && last ? encodeCursor(last[orderColumn] as string, last.id) : null,
  };
}
