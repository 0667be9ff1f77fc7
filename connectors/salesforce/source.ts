import { SourceHttpError, SourceRefusedError } from '../http/source-errors.ts';
import { sourceFetch } from '../http/source-fetch.ts';
import type { ReadContext, Source, SourcePage } from '../source.ts';
import { missingInstanceMessage, salesforceInstanceUrl } from './instance-url.ts';
import { salesforceApi } from './api.ts';
import { recordDocument, recordId } from './documents.ts';
import type { SalesforceConfig } from './index.ts';
import { idsQuery, recordsQuery, selectionOf } from './soql.ts';

/** Salesforce keeps deleted records' ids this long; an older window cannot be asked for. */
const DELETE_LOG_MS = 15 * 24 * 3_600_000;
/** getDeleted wants its start more than a minute before its end, both read to the minute. */
const SHORTEST_WINDOW_MS = 2 * 60_000;

/** Where a Salesforce sync stands: which configured object, and the path of its query's next page (`nextRecordsUrl`). */
type SalesforcePosition = { object: number; page: string | null };

/**
 * Each configured object's records, one SOQL query per object paged by `nextRecordsUrl`. An
 * incremental read asks for records whose SystemModstamp is at or after `since`, and on each
 * object's first page for the ids deleted since then, while Salesforce's delete log reaches back so far.
 */
export function openSalesforceSource(context: ReadContext<SalesforceConfig>): Source {
  const { config, since } = context;
  const instanceUrl = salesforceInstanceUrl(config, context.credential);
  if (!instanceUrl) throw new SourceRefusedError(missingInstanceMessage);
  const api = salesforceApi({ instanceUrl, apiVersion: config.apiVersion, fetch: sourceFetch(context) });

  /** Deleted ids since `since`; none when the delete log no longer reaches back that far (a full sync or prune removes them). */
  async function deletedSince(object: string): Promise<string[]> {
    if (!since) return [];
    const end = new Date();
    const start = new Date(Math.min(Date.parse(since), end.getTime() - SHORTEST_WINDOW_MS));
    if (start.getTime() < end.getTime() - DELETE_LOG_MS) return [];
    try {
      return (await api.deleted(object, start, end)).map((id) => recordId(object, id));
    } catch (error) {
      // The org purged its delete log past `start`: Salesforce asks for a full read, which the next full sync or prune is.
      if (error instanceof SourceHttpError && error.code === 'INVALID_REPLICATION_DATE') return [];
      throw error;
    }
  }

  return {
    async read(checkpoint) {
      const position = (checkpoint as SalesforcePosition | null) ?? { object: 0, page: null };
      const object = config.objects[position.object] as string;
      const selection = selectionOf(object, await api.describe(object));
      const deleted = position.page === null ? await deletedSince(object) : [];
      const page = await api.query(object, recordsQuery(selection, config.soqlFilter, since), position.page ? { url: position.page } : null);
      const documents = page.items.map((record) => recordDocument(instanceUrl, selection, record));
      const nextPage = page.next && 'url' in page.next ? page.next.url : null;
      const next: SalesforcePosition | null = nextPage
        ? { object: position.object, page: nextPage }
        : position.object + 1 < config.objects.length
          ? { object: position.object + 1, page: null }
          : null;
      const result: SourcePage = { documents, next };
      if (deleted.length > 0) result.deleted = deleted;
      return result;
    },
    async *listIds() {
      for (const object of config.objects) {
        const soql = idsQuery(object, config.soqlFilter);
        for (let position: string | null = null, first = true; first || position; first = false) {
          const page = await api.queryIds(object, soql, position ? { url: position } : null);
          if (page.items.length > 0) yield page.items.map((record) => recordId(object, record.Id));
          position = page.next && 'url' in page.next ? page.next.url : null;
        }
      }
    },
  };
}
