import type { Page } from '../../../db/repositories/pagination.ts';

/** Onyx answers whole lists where Tributary pages: reads every page, the largest a page may be. */
export async function allPages<T>(read: (page: { cursor: string | undefined; limit: number }) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read({ cursor, limit: 200 });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
