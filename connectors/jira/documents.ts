import type { SourceDocument } from '../source.ts';
import { adfToText, type AdfNode } from './adf-text.ts';
import type { JiraComment, JiraIssue } from './api.ts';

export interface IssueDocumentOptions {
  /** The site's URL, where `/browse/KEY` shows the issue. */
  siteUrl: string;
  /** Lower-cased e-mail addresses whose comments are left out. */
  hiddenAuthors: ReadonlySet<string>;
  includeAttachments: boolean;
}

/** A description or comment body as text: ADF converted, v2's wiki markup kept as it is. */
export function bodyText(body: string | AdfNode | null | undefined): string {
  if (!body) return '';
  return typeof body === 'string' ? body.trim() : adfToText(body);
}

/** An issue with its comments: the key and summary, its fields, the description, then each comment under its author and date. */
export function issueDocument(issue: JiraIssue, comments: JiraComment[], options: IssueDocumentOptions): SourceDocument {
  const { key, fields } = issue;
  const title = `${key}: ${fields.summary ?? ''}`.trim();
  const shown = comments.filter((comment) => !options.hiddenAuthors.has(comment.author?.emailAddress?.toLowerCase() ?? ''));
  const facts = [
    ['Status', fields.status?.name],
    ['Assignee', personOf(fields.assignee)],
    ['Labels', fields.labels.join(', ')],
  ]
    .filter(([, value]) => value)
    .map(([name, value]) => `${name}: ${value}`);
  const parts = [title, facts.join('\n'), bodyText(fields.description)];
  for (const comment of shown) parts.push(`Comment by ${personOf(comment.author) || 'unknown'} on ${isoOf(comment.created)}:\n${bodyText(comment.body)}`);
  const metadata: Record<string, string | undefined> = {
    project: fields.project?.key,
    status: fields.status?.name,
    assignee: personOf(fields.assignee),
    reporter: personOf(fields.reporter),
    labels: fields.labels.join(','),
    priority: fields.priority?.name,
    issuetype: fields.issuetype?.name,
    parent: fields.parent?.key,
    created: isoOf(fields.created),
    updated: isoOf(fields.updated),
    ...(options.includeAttachments ? { attachments: fields.attachment.map((attachment) => attachment.filename).join(',') } : {}),
  };
  return {
    externalId: key,
    title,
    url: `${options.siteUrl}/browse/${key}`,
    body: parts.filter(Boolean).join('\n\n'),
    mimeType: 'text/plain',
    metadata: Object.fromEntries(Object.entries(metadata).filter((entry): entry is [string, string] => Boolean(entry[1]))),
    updatedAt: isoOf(fields.updated),
  };
}

function personOf(user: { displayName?: string | undefined; name?: string | undefined } | null | undefined): string {
  return user?.displayName ?? user?.name ?? '';
}

/** Jira writes `2024-05-01T10:30:45.000+0200`; stored dates are ISO in UTC. */
function isoOf(value: string): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}
