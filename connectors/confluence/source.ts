import { sourceFetch } from '../http/source-fetch.ts';
import { oversizeReason } from '../../domain/document-size.ts';
import type { PagePosition } from '../http/paging.ts';
import type { ReadContext, Source, SourceDocument, SourcePage } from '../source.ts';
import { confluenceApi } from './api.ts';
import { isModifiedSince, modifiedSinceCql, selectionCql } from './cql.ts';
import { contentDocument, storageBytes } from './documents.ts';
import type { ConfluenceConfig } from './index.ts';

/** Where a Confluence sync stands: the path and query of the search's next page (its `_links.next`), under the instance URL. */
type ConfluencePosition = { page: string };

/**
 * The pages and blog posts the config selects, read through one CQL content search. Incremental
 * reads add a `lastmodified` bound; deletions are found by listing the ids the same query selects.
 */
export function openConfluenceSource(context: ReadContext<ConfluenceConfig>): Source {
  const { config, since } = context;
  const api = confluenceApi({ instanceUrl: config.instanceUrl, fetch: sourceFetch(context) });
  const selection = selectionCql(config);
  const positionOf = (next: PagePosition | null): ConfluencePosition | null => (next && 'url' in next ? { page: next.url } : null);

  return {
    async read(checkpoint) {
      const position = checkpoint as ConfluencePosition | null;
      const cql = since ? modifiedSinceCql(selection, since) : selection;
      const page = await api.searchContent(cql, position ? { url: position.page } : null);
      const documents: SourceDocument[] = [];
      const skipped: NonNullable<SourcePage['skipped']> = [];
      for (const content of page.items) {
        if (since && !isModifiedSince(content.version?.when, since)) continue;
        const reason = oversizeReason(storageBytes(content), context.limits.maxDocumentBytes);
        if (reason) skipped.push({ externalId: content.id, reason });
        else documents.push(contentDocument(content, page.webBase));
      }
      return { documents, skipped, next: positionOf(page.next) };
    },
    async *listIds() {
      for (let position: ConfluencePosition | null = null, first = true; first || position; first = false) {
        const page = await api.searchIds(selection, position ? { url: position.page } : null);
        if (page.items.length > 0) yield page.items;
        position = positionOf(page.next);
      }
    },
  };
}
