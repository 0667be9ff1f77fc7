import type { Response } from 'undici';
import { z } from 'zod';
import type { HttpFetch } from '../../net/guarded-fetch.ts';
import { readPage, type ListingPage, type PagePosition } from '../http/paging.ts';
import { retryAfterSeconds, SourceHttpError } from '../http/source-errors.ts';

/** Notion's REST wire format (API version 2022-06-28): the few calls and fields the reader uses. */

export const NOTION_HEADERS = { 'notion-version': '2022-06-28' } as const;

const richTextSchema = z.object({ plain_text: z.string() });
export type NotionRichText = z.infer<typeof richTextSchema>;

/** Where a page, database or block sits: under a page, a database, a block (a column, a toggle) or the workspace. */
const parentSchema = z.object({
  type: z.string(),
  page_id: z.string().optional(),
  database_id: z.string().optional(),
  block_id: z.string().optional(),
});
export type NotionParent = z.infer<typeof parentSchema>;

const optionSchema = z.object({ name: z.string() });

/** The property types a document carries as text; any other is kept with its type only. */
const propertySchema = z.union([
  z.object({ type: z.literal('title'), title: z.array(richTextSchema) }),
  z.object({ type: z.literal('rich_text'), rich_text: z.array(richTextSchema) }),
  z.object({ type: z.literal('select'), select: optionSchema.nullable() }),
  z.object({ type: z.literal('status'), status: optionSchema.nullable() }),
  z.object({ type: z.literal('multi_select'), multi_select: z.array(optionSchema) }),
  z.object({ type: z.literal('date'), date: z.object({ start: z.string(), end: z.string().nullable().optional() }).nullable() }),
  z.object({ type: z.literal('number'), number: z.number().nullable() }),
  z.object({ type: z.literal('checkbox'), checkbox: z.boolean() }),
  z.object({ type: z.string() }),
]);
export type NotionProperty = z.infer<typeof propertySchema>;

export const pageSchema = z.object({
  object: z.literal('page'),
  id: z.string(),
  created_time: z.string(),
  last_edited_time: z.string(),
  created_by: z.object({ id: z.string() }),
  parent: parentSchema,
  archived: z.boolean().default(false),
  in_trash: z.boolean().default(false),
  properties: z.record(z.string(), propertySchema),
  url: z.string(),
});
export type NotionPage = z.infer<typeof pageSchema>;

/** The fields of a block's type-named payload (`paragraph: { rich_text }`, `to_do: { rich_text, checked }`) that become text. */
const blockContentSchema = z.object({
  rich_text: z.array(richTextSchema).optional(),
  checked: z.boolean().optional(),
  language: z.string().optional(),
  cells: z.array(z.array(richTextSchema)).optional(),
  expression: z.string().optional(),
  url: z.string().optional(),
  caption: z.array(richTextSchema).optional(),
  icon: z.object({ type: z.string(), emoji: z.string().optional() }).nullable().optional(),
});

export const blockSchema = z.looseObject({ id: z.string(), type: z.string(), has_children: z.boolean().default(false) }).transform((block) => ({
  id: block.id,
  type: block.type,
  hasChildren: block.has_children,
  content: blockContentSchema.catch({}).parse(block[block.type] ?? {}),
}));
export type NotionBlock = z.infer<typeof blockSchema>;

const userSchema = z.object({ id: z.string(), name: z.string().nullable().optional() });
const withParentSchema = z.object({ id: z.string(), parent: parentSchema });

/** A Notion error body: `{ object: 'error', status: 401, code: 'unauthorized', message: 'API token is invalid.' }`. */
const errorSchema = z.object({ object: z.literal('error'), status: z.number(), code: z.string(), message: z.string() });

/** Notion's own code and message (`Notion answered 401 unauthorized: API token is invalid.`); the body's start for a body of another shape. */
function notionError(response: Response, text: string): SourceHttpError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return SourceHttpError.fromResponse(response, text, 'Notion');
  }
  const parsed = errorSchema.safeParse(body);
  if (!parsed.success) return SourceHttpError.fromResponse(response, text, 'Notion');
  const { code, message } = parsed.data;
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'), new Date());
  return new SourceHttpError(response.status, `Notion answered ${response.status} ${code}: ${message}`, retryAfter, code);
}

/** What holds a parent reference: the reader climbs these to tell whether a page lies under a root. */
export type NotionObjectKind = 'page' | 'database' | 'block';

export interface NotionApi {
  /** One page of the pages (database rows included) shared with the integration, last edited first. */
  search(cursor: string | null, pageSize: number): Promise<ListingPage<NotionPage>>;
  /** Every child of a page or block, in order, across Notion's pages of 100. */
  blockChildren(id: string): Promise<NotionBlock[]>;
  /** A user's name, or undefined when the integration may not read users (no user-information capability). */
  userName(id: string): Promise<string | undefined>;
  /** The parent of a page, database or block, or undefined when Notion does not show it to the integration. */
  parentOf(kind: NotionObjectKind, id: string): Promise<NotionParent | undefined>;
}

export interface NotionApiOptions {
  apiUrl: string;
  /** The reader's `sourceFetch`: authorized, refreshing and retrying. */
  fetch: HttpFetch;
}

export function notionApi(options: NotionApiOptions): NotionApi {
  const { apiUrl } = options;
  // Every answer that is not a 2xx throws here, so listings and single reads share Notion's error mapping.
  const fetch: HttpFetch = async (url, init = {}) => {
    const response = await options.fetch(url, init);
    if (response.ok) return response;
    throw notionError(response, await response.text());
  };

  async function getJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const response = await fetch(`${apiUrl}${path}`, { headers: { accept: 'application/json', ...NOTION_HEADERS } });
    return schema.parse(await response.json());
  }

  /** Undefined for what the integration cannot see: not shared (404) or outside its capabilities (403 `restricted_resource`). */
  async function unlessHidden<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof SourceHttpError && (error.code === 'object_not_found' || error.code === 'restricted_resource')) return undefined;
      throw error;
    }
  }

  return {
    search(cursor, pageSize) {
      const listing = {
        service: 'Notion',
        baseUrl: apiUrl,
        request: {
          path: '/v1/search',
          method: 'POST' as const,
          headers: NOTION_HEADERS,
          json: { filter: { property: 'object', value: 'page' }, sort: { direction: 'descending', timestamp: 'last_edited_time' }, page_size: pageSize },
        },
        itemsAt: 'results',
        item: pageSchema,
        paging: { kind: 'bodyCursor' as const, cursorAt: 'next_cursor', sendAs: { bodyField: 'start_cursor' }, hasMoreAt: 'has_more' },
      };
      return readPage(fetch, listing, cursor ? { cursor } : null);
    },
    async blockChildren(id) {
      const listing = {
        service: 'Notion',
        baseUrl: apiUrl,
        request: { path: `/v1/blocks/${encodeURIComponent(id)}/children?page_size=100`, headers: NOTION_HEADERS },
        itemsAt: 'results',
        item: blockSchema,
        paging: { kind: 'bodyCursor' as const, cursorAt: 'next_cursor', sendAs: { query: 'start_cursor' }, hasMoreAt: 'has_more' },
      };
      const blocks: NotionBlock[] = [];
      for (let position: PagePosition | null = null, first = true; first || position; first = false) {
        const page: ListingPage<NotionBlock> = await readPage(fetch, listing, position);
        blocks.push(...page.items);
        position = page.next;
      }
      return blocks;
    },
    async userName(id) {
      const user = await unlessHidden(() => getJson(`/v1/users/${encodeURIComponent(id)}`, userSchema));
      return user?.name ?? undefined;
    },
    async parentOf(kind, id) {
      const found = await unlessHidden(() => getJson(`/v1/${kind}s/${encodeURIComponent(id)}`, withParentSchema));
      return found?.parent;
    },
  };
}
