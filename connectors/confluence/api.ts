import type { Response } from 'undici';
import { z } from 'zod';
import type { HttpFetch } from '../../net/guarded-fetch.ts';
import { readPage, type Listing, type ListingPage, type PagePosition } from '../http/paging.ts';

/** Confluence's REST API v1 wire format: the CQL content search and the few fields the reader uses. */

const userSchema = z.object({ displayName: z.string().optional(), publicName: z.string().optional() }).partial();

export const contentSchema = z.object({
  id: z.string(),
  type: z.string(),
  title: z.string(),
  space: z.object({ key: z.string(), name: z.string().optional() }).optional(),
  ancestors: z.array(z.object({ id: z.string(), title: z.string() })).optional(),
  body: z.object({ storage: z.object({ value: z.string() }).optional() }).optional(),
  metadata: z.object({ labels: z.object({ results: z.array(z.object({ name: z.string() })) }).optional() }).optional(),
  version: z.object({ number: z.number().int(), when: z.string(), by: userSchema.optional() }).optional(),
  history: z.object({ createdDate: z.string().optional(), createdBy: userSchema.optional() }).optional(),
  _links: z.object({ webui: z.string().optional() }).optional(),
});
export type ConfluenceContent = z.infer<typeof contentSchema>;

const contentIdSchema = z.object({ id: z.string() });

/** What a document needs of each result; ids listings expand nothing. */
const EXPAND = 'body.storage,ancestors,metadata.labels,version,history,space';
const CONTENT_PER_PAGE = 25;
const IDS_PER_PAGE = 200;

const envelopeSchema = z.object({ _links: z.object({ base: z.string().optional() }).optional() });

/**
 * The site's web address an answer gives in `_links.base`, which differs from the API's address
 * behind Atlassian's OAuth gateway; read from a copy, so the listing still reads the body.
 */
async function siteBaseOf(response: Response): Promise<string | undefined> {
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  return envelopeSchema.safeParse(body).data?._links?.base?.replace(/\/+$/, '');
}

export interface ContentPage extends ListingPage<ConfluenceContent> {
  /** Where the site's pages are browsed, from the answer; the instance URL when it did not say. */
  webBase: string;
}

export interface ConfluenceApi {
  /** One page of the content a CQL query selects, with body, ancestors, labels, version and history. */
  searchContent(cql: string, position: PagePosition | null): Promise<ContentPage>;
  /** One page of the ids a CQL query selects. */
  searchIds(cql: string, position: PagePosition | null): Promise<ListingPage<string>>;
}

export interface ConfluenceApiOptions {
  /** The instance's base URL with its context path: `https://acme.atlassian.net/wiki`. */
  instanceUrl: string;
  /** The reader's `sourceFetch`: authorized, refreshing and retrying. */
  fetch: HttpFetch;
}

export function confluenceApi(options: ConfluenceApiOptions): ConfluenceApi {
  const { instanceUrl, fetch } = options;

  const search = <Item>(cql: string, expand: string | null, limit: number, item: z.ZodType<Item>): Listing<Item> => ({
    service: 'Confluence',
    baseUrl: instanceUrl,
    request: { path: `/rest/api/content/search?cql=${encodeURIComponent(cql)}${expand ? `&expand=${expand}` : ''}&limit=${limit}` },
    itemsAt: 'results',
    item,
    // `_links.next` is relative to the context path (`/wiki`), which the kit puts back before it.
    paging: { kind: 'nextUrl', nextUrlAt: '_links.next' },
  });

  return {
    async searchContent(cql, position) {
      let webBase = instanceUrl;
      const noting: HttpFetch = async (url, init) => {
        const response = await fetch(url, init);
        if (response.ok) webBase = (await siteBaseOf(response)) ?? webBase;
        return response;
      };
      const page = await readPage(noting, search(cql, EXPAND, CONTENT_PER_PAGE, contentSchema), position);
      return { ...page, webBase };
    },
    async searchIds(cql, position) {
      const page = await readPage(fetch, search(cql, null, IDS_PER_PAGE, contentIdSchema), position);
      return { items: page.items.map((content) => content.id), next: page.next };
    },
  };
}
