import { z } from 'zod';
import type { HttpFetch } from '../../net/guarded-fetch.ts';
import { readPage, type Listing } from '../http/paging.ts';
import { SourceHttpError, SourceRefusedError } from '../http/source-errors.ts';
import { adfNodeSchema } from './adf-text.ts';

/**
 * Jira's REST wire format: Cloud's enhanced JQL search (`/rest/api/3/search/jql`, `nextPageToken`
 * paging, ADF bodies) and Data Center's `/rest/api/2/search` (`startAt` paging, wiki-markup bodies).
 */

/** Which search the server has: Cloud answers `/rest/api/3/search/jql`, Data Center 404. */
export type JiraDialect = 'cloud' | 'dataCenter';

/** A description or comment body: ADF on Cloud's v3 API, a wiki-markup string on v2. */
const richTextSchema = z.union([z.string(), adfNodeSchema]).nullable().optional();

const userSchema = z.object({ displayName: z.string().optional(), emailAddress: z.string().optional(), name: z.string().optional() }).nullable().optional();
const namedSchema = z.object({ name: z.string() }).nullable().optional();

export const commentSchema = z.object({ id: z.string(), author: userSchema, body: richTextSchema, created: z.string() });
export type JiraComment = z.infer<typeof commentSchema>;

const commentPageSchema = z.object({
  comments: z.array(commentSchema),
  startAt: z.number().int().default(0),
  total: z.number().int().optional(),
});

/** What every search asks for: the key, and the parent that the parent and child options follow. */
export const issueRefSchema = z.object({
  key: z.string(),
  fields: z.object({ parent: z.object({ key: z.string() }).nullable().optional() }).default({}),
});
export type JiraIssueRef = z.infer<typeof issueRefSchema>;
export const ISSUE_REF_FIELDS = ['parent'] as const;

export const issueSchema = z.object({
  key: z.string(),
  fields: z.object({
    summary: z.string().nullable().optional(),
    description: richTextSchema,
    comment: commentPageSchema.optional(),
    status: namedSchema,
    assignee: userSchema,
    reporter: userSchema,
    labels: z.array(z.string()).default([]),
    priority: namedSchema,
    issuetype: namedSchema,
    project: z.object({ key: z.string() }).nullable().optional(),
    created: z.string(),
    updated: z.string(),
    parent: z.object({ key: z.string() }).nullable().optional(),
    attachment: z.array(z.object({ filename: z.string() })).default([]),
  }),
});
export type JiraIssue = z.infer<typeof issueSchema>;
export const ISSUE_FIELDS = [
  'summary',
  'description',
  'comment',
  'status',
  'assignee',
  'reporter',
  'labels',
  'priority',
  'issuetype',
  'project',
  'created',
  'updated',
  'parent',
  'attachment',
] as const;

/** Where a search page starts: Cloud's opaque token, or Data Center's offset. */
export interface SearchAt {
  token: string | null;
  startAt: number;
}
export const firstPage: SearchAt = { token: null, startAt: 0 };

export interface SearchPage<Issue> {
  dialect: JiraDialect;
  issues: Issue[];
  next: SearchAt | null;
}

export interface JiraApi {
  /** One page of the issues `jql` selects; with no dialect yet, Cloud's search is tried first and a 404 falls back to Data Center's. */
  search<Issue>(dialect: JiraDialect | null, jql: string, fields: readonly string[], item: z.ZodType<Issue>, at: SearchAt): Promise<SearchPage<Issue>>;
  /** Every issue `jql` selects, for the short searches of related issues. */
  searchAll<Issue>(dialect: JiraDialect, jql: string, fields: readonly string[], item: z.ZodType<Issue>): Promise<Issue[]>;
  /** The comments of an issue from `startAt` on, in order. */
  comments(dialect: JiraDialect, key: string, startAt: number): Promise<JiraComment[]>;
  /** The time zone Jira reads the account's JQL dates in, when the profile shows it. */
  timeZone(): Promise<string | undefined>;
  /** The site's own URL, for browse links when the API is reached through api.atlassian.com. */
  siteUrl(): Promise<string>;
}

export interface JiraApiOptions {
  baseUrl: string;
  /** The reader's `sourceFetch`: authorized, refreshing and retrying. */
  fetch: HttpFetch;
}

const PAGE_SIZE = 100;
const apiPath = (dialect: JiraDialect) => (dialect === 'cloud' ? '/rest/api/3' : '/rest/api/2');

export function jiraApi(options: JiraApiOptions): JiraApi {
  const { baseUrl, fetch } = options;

  async function send<T>(path: string, schema: z.ZodType<T>, json?: Record<string, unknown>): Promise<T> {
    const response = await fetch(`${baseUrl}${path}`, {
      method: json ? 'POST' : 'GET',
      headers: { accept: 'application/json', ...(json ? { 'content-type': 'application/json' } : {}) },
      ...(json ? { body: JSON.stringify(json) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw SourceHttpError.fromResponse(response, text, `Jira (${path.split('?')[0]})`);
    try {
      return schema.parse(JSON.parse(text));
    } catch {
      throw new SourceRefusedError(`Jira (${path.split('?')[0]}) answered with a body that is not what its API documents`);
    }
  }

  async function cloudSearch<Issue>(jql: string, fields: readonly string[], item: z.ZodType<Issue>, at: SearchAt): Promise<SearchPage<Issue>> {
    const listing: Listing<Issue> = {
      service: 'Jira',
      baseUrl,
      request: { path: '/rest/api/3/search/jql', method: 'POST', json: { jql, fields, maxResults: PAGE_SIZE } },
      itemsAt: 'issues',
      item,
      // The last page has no `nextPageToken` (and says `isLast: true`).
      paging: { kind: 'bodyCursor', cursorAt: 'nextPageToken', sendAs: { bodyField: 'nextPageToken' } },
    };
    const page = await readPage(fetch, listing, at.token ? { cursor: at.token } : null);
    const next = page.next && 'cursor' in page.next ? { token: page.next.cursor, startAt: 0 } : null;
    return { dialect: 'cloud', issues: page.items, next };
  }

  async function dataCenterSearch<Issue>(jql: string, fields: readonly string[], item: z.ZodType<Issue>, at: SearchAt): Promise<SearchPage<Issue>> {
    const schema = z.object({ issues: z.array(item), startAt: z.number().int(), total: z.number().int() });
    const page = await send('/rest/api/2/search', schema, { jql, fields, startAt: at.startAt, maxResults: PAGE_SIZE });
    const nextStart = page.startAt + page.issues.length;
    return { dialect: 'dataCenter', issues: page.issues, next: page.issues.length > 0 && nextStart < page.total ? { token: null, startAt: nextStart } : null };
  }

  async function search<Issue>(
    dialect: JiraDialect | null,
    jql: string,
    fields: readonly string[],
    item: z.ZodType<Issue>,
    at: SearchAt,
  ): Promise<SearchPage<Issue>> {
    if (dialect === 'dataCenter') return dataCenterSearch(jql, fields, item, at);
    try {
      return await cloudSearch(jql, fields, item, at);
    } catch (error) {
      if (dialect === null && error instanceof SourceHttpError && error.status === 404) return dataCenterSearch(jql, fields, item, at);
      throw error;
    }
  }

  async function searchAll<Issue>(dialect: JiraDialect, jql: string, fields: readonly string[], item: z.ZodType<Issue>): Promise<Issue[]> {
    const issues: Issue[] = [];
    for (let at: SearchAt | null = firstPage; at;) {
      const page: SearchPage<Issue> = await search(dialect, jql, fields, item, at);
      issues.push(...page.issues);
      at = page.next;
    }
    return issues;
  }

  return {
    search,
    searchAll,
    async comments(dialect, key, startAt) {
      const comments: JiraComment[] = [];
      for (let at = startAt; ;) {
        const page = await send(`${apiPath(dialect)}/issue/${encodeURIComponent(key)}/comment?startAt=${at}&maxResults=${PAGE_SIZE}`, commentPageSchema);
        comments.push(...page.comments);
        at = page.startAt + page.comments.length;
        if (page.comments.length === 0 || at >= (page.total ?? 0)) return comments;
      }
    },
    async timeZone() {
      return (await send('/rest/api/2/myself', z.object({ timeZone: z.string().optional() }))).timeZone;
    },
    async siteUrl() {
      return (await send('/rest/api/2/serverInfo', z.object({ baseUrl: z.string() }))).baseUrl.replace(/\/+$/, '');
    },
  };
}
