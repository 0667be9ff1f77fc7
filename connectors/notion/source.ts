import { sourceFetch } from '../http/source-fetch.ts';
import type { ReadContext, Source, SourceDocument } from '../source.ts';
import { notionApi, type NotionPage } from './api.ts';
import { SourceHttpError } from '../http/source-errors.ts';
import type { BlockNode } from './blocks-text.ts';
import { pageDocument } from './documents.ts';
import type { NotionConfig } from './index.ts';
import { rootPages } from './roots.ts';

/** Pages per read: each costs at least one more request for its blocks, at Notion's three requests a second. */
const PAGES_PER_READ = 25;
/** Listing ids for pruning reads no blocks, so it takes Notion's largest page. */
const PAGES_PER_LISTING = 100;

/** Blocks that are documents of their own (a sub-page; a database, whose rows are pages) and are not inlined. */
const SEPARATE_DOCUMENTS = new Set(['child_page', 'child_database']);

/** Where a Notion sync stands: the search cursor of the next page; null for the first. */
type NotionPosition = { cursor: string | null };

/**
 * Every page and database row the integration can see, from `POST /v1/search` last edited first,
 * each with its block tree as text; only those under `rootPageIds` when given. An incremental read
 * stops at the first page edited before the last sync: every page after it is older still.
 */
export function openNotionSource(context: ReadContext<NotionConfig>): Source {
  const { config } = context;
  const api = notionApi({ apiUrl: config.apiUrl, fetch: sourceFetch(context) });
  const roots = config.rootPageIds ? rootPages(api, config.rootPageIds) : undefined;
  // Notion rounds edit times down to the minute, so a page edited in the minute the last sync began may show an earlier time.
  const unchangedBefore = context.since ? Math.floor(Date.parse(context.since) / 60_000) * 60_000 : null;
  const authors = new Map<string, string>();

  const wanted = async (page: NotionPage) => !page.archived && !page.in_trash && (!roots || (await roots.contains(page)));

  async function authorOf(userId: string): Promise<string> {
    let name = authors.get(userId);
    if (name === undefined) {
      name = (await api.userName(userId)) ?? userId;
      authors.set(userId, name);
    }
    return name;
  }

  async function blockTree(id: string): Promise<BlockNode[]> {
    const nodes: BlockNode[] = [];
    const blocks = await api.blockChildren(id);
    context.heartbeat();
    for (const block of blocks) {
      const descend = block.hasChildren && !SEPARATE_DOCUMENTS.has(block.type);
      nodes.push({ block, children: descend ? await blockTree(block.id) : [] });
    }
    return nodes;
  }

  async function readPage(page: NotionPage): Promise<SourceDocument | undefined> {
    try {
      return pageDocument(page, await blockTree(page.id), await authorOf(page.created_by.id));
    } catch (error) {
      // Deleted or unshared since the listing: the next full sync or prune removes it.
      if (error instanceof SourceHttpError && error.code === 'object_not_found') return undefined;
      throw error;
    }
  }

  return {
    async read(checkpoint) {
      const position = (checkpoint as NotionPosition | null) ?? { cursor: null };
      const listed = await api.search(position.cursor, PAGES_PER_READ);
      const documents: SourceDocument[] = [];
      let reachedUnchanged = false;
      for (const page of listed.items) {
        if (unchangedBefore !== null && Date.parse(page.last_edited_time) < unchangedBefore) {
          reachedUnchanged = true;
          break;
        }
        if (!(await wanted(page))) continue;
        const document = await readPage(page);
        if (document) documents.push(document);
      }
      const next: NotionPosition | null = !reachedUnchanged && listed.next && 'cursor' in listed.next ? { cursor: listed.next.cursor } : null;
      return { documents, next };
    },
    async *listIds() {
      for (let cursor: string | null = null, first = true; first || cursor; first = false) {
        const listed = await api.search(cursor, PAGES_PER_LISTING);
        const ids: string[] = [];
        for (const page of listed.items) if (await wanted(page)) ids.push(page.id);
        if (ids.length > 0) yield ids;
        cursor = listed.next && 'cursor' in listed.next ? listed.next.cursor : null;
      }
    },
  };
}
