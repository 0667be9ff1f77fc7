import { sourceFetch } from '../http/source-fetch.ts';
import type { z } from 'zod';
import type { ReadContext, Source, SourceDocument, SourcePage } from '../source.ts';
import {
  firstPage,
  ISSUE_FIELDS,
  ISSUE_REF_FIELDS,
  issueRefSchema,
  issueSchema,
  jiraApi,
  type JiraDialect,
  type JiraIssue,
  type JiraIssueRef,
  type SearchAt,
  type SearchPage,
} from './api.ts';
import { issueDocument } from './documents.ts';
import type { JiraConfig } from './index.ts';
import { keyList, searchJql, selectionOf, updatedSince } from './jql.ts';

/** Where a Jira sync stands: which pass, which search the server has, and the page of it. */
type JiraPosition = {
  /** `selected`: the issues the connector selects; `related`: an incremental read's pass for their changed parents and children. */
  phase: 'selected' | 'related';
  /** Found on the first page, so later pages ask the same search. */
  dialect: JiraDialect | null;
  /** An incremental read's `updated >= ...` clause, written once so every page of the read asks the same. */
  changed: string | null;
} & SearchAt;

/**
 * The issues the JQL or the project selects, each with its comments, and with the options on, the
 * children and parents of those issues that the selection leaves out. Incremental reads add
 * `updated >= ...` to the searches; a changed parent or child of an unchanged issue is found by a
 * second pass over the selection's keys.
 */
export function openJiraSource(context: ReadContext<JiraConfig>): Source {
  const { config, since } = context;
  const api = jiraApi({ baseUrl: config.baseUrl, fetch: sourceFetch(context) });
  const selection = selectionOf(config);
  // With no selection every issue is selected already: there is nothing left to follow.
  const followsRelated = selection !== null && (config.searchChildrenIssues || config.searchParentIssues);
  const hiddenAuthors = new Set((config.commentEmailBlacklist ?? []).map((email) => email.toLowerCase()));
  let siteUrl: string | undefined;

  async function startOfRead(): Promise<JiraPosition> {
    return { phase: 'selected', dialect: null, changed: since ? updatedSince(since, await api.timeZone()) : null, ...firstPage };
  }

  /** Through OAuth the API lives on api.atlassian.com, which shows no issue: browse links need the site's URL. */
  async function site(): Promise<string> {
    siteUrl ??= new URL(config.baseUrl).hostname === 'api.atlassian.com' ? await api.siteUrl() : config.baseUrl;
    return siteUrl;
  }

  /** The children and parents of `issues` that the selection leaves out (changed since `changed`, when given). */
  async function relatedOf<Issue>(
    dialect: JiraDialect,
    issues: JiraIssueRef[],
    changed: string | null,
    fields: readonly string[],
    item: z.ZodType<Issue>,
  ): Promise<Issue[]> {
    if (!followsRelated || issues.length === 0) return [];
    const keys = new Set(issues.map((issue) => issue.key));
    const outside = `NOT ${selection}`;
    const found: Issue[] = [];
    if (config.searchChildrenIssues) {
      found.push(...(await api.searchAll(dialect, searchJql(`parent in ${keyList([...keys])}`, outside, changed), fields, item)));
    }
    const parents = [...new Set(issues.map((issue) => issue.fields.parent?.key))].filter((key): key is string => Boolean(key) && !keys.has(key as string));
    if (config.searchParentIssues && parents.length > 0) {
      found.push(...(await api.searchAll(dialect, searchJql(`key in ${keyList(parents)}`, outside, changed), fields, item)));
    }
    return found;
  }

  async function documentsOf(dialect: JiraDialect, issues: JiraIssue[]): Promise<SourceDocument[]> {
    const options = { siteUrl: await site(), hiddenAuthors, includeAttachments: config.includeAttachments };
    const documents = new Map<string, SourceDocument>();
    for (const issue of issues) {
      if (documents.has(issue.key)) continue;
      const embedded = issue.fields.comment;
      let comments = embedded?.comments ?? [];
      // The search embeds only the first comments; the rest are read from the issue's comment listing.
      if (embedded && (embedded.total ?? 0) > comments.length) comments = [...comments, ...(await api.comments(dialect, issue.key, comments.length))];
      documents.set(issue.key, issueDocument(issue, comments, options));
      context.heartbeat();
    }
    return [...documents.values()];
  }

  async function readSelected(position: JiraPosition): Promise<SourcePage> {
    const page = await api.search(position.dialect, searchJql(selection, position.changed), ISSUE_FIELDS, issueSchema, position);
    // A full read takes each page's relations with it; an incremental one finds them in its own pass.
    const related = position.changed ? [] : await relatedOf(page.dialect, page.issues, null, ISSUE_FIELDS, issueSchema);
    const documents = await documentsOf(page.dialect, [...page.issues, ...related]);
    if (page.next) return { documents, next: { ...position, dialect: page.dialect, ...page.next } };
    return { documents, next: position.changed && followsRelated ? { ...position, phase: 'related', dialect: page.dialect, ...firstPage } : null };
  }

  async function readRelated(position: JiraPosition): Promise<SourcePage> {
    const page = await api.search(position.dialect, searchJql(selection), ISSUE_REF_FIELDS, issueRefSchema, position);
    const related = await relatedOf(page.dialect, page.issues, position.changed, ISSUE_FIELDS, issueSchema);
    const documents = await documentsOf(page.dialect, related);
    return { documents, next: page.next ? { ...position, dialect: page.dialect, ...page.next } : null };
  }

  return {
    async read(checkpoint) {
      const position = (checkpoint as JiraPosition | null) ?? (await startOfRead());
      return position.phase === 'selected' ? readSelected(position) : readRelated(position);
    },
    async *listIds() {
      let dialect: JiraDialect | null = null;
      for (let at: SearchAt | null = firstPage; at;) {
        const page: SearchPage<JiraIssueRef> = await api.search(dialect, searchJql(selection), ISSUE_REF_FIELDS, issueRefSchema, at);
        dialect = page.dialect;
        const related = await relatedOf(page.dialect, page.issues, null, ISSUE_REF_FIELDS, issueRefSchema);
        const keys = [...new Set([...page.issues, ...related].map((issue) => issue.key))];
        if (keys.length > 0) yield keys;
        at = page.next;
      }
    },
  };
}
