import { mimeTypeFromName } from '../../domain/mime-types.ts';
import type { SourceDocument } from '../source.ts';
import type { GithubComment, GithubIssue } from './api.ts';

/** Issues and pull requests share GitHub's number space, so one id scheme serves both. */
export const issueId = (repo: string, number: number) => `${repo}/issues/${number}`;
export const fileId = (repo: string, path: string) => `${repo}/blob/${path}`;

/** An issue or pull request with its comments, as Markdown: the title, the body, then each comment under its author and date. */
export function issueDocument(repo: string, issue: GithubIssue, comments: GithubComment[]): SourceDocument {
  const parts = [`# ${issue.title}`, issue.body ?? ''];
  for (const comment of comments) {
    parts.push(`## Comment by ${comment.user?.login ?? 'ghost'} on ${comment.created_at}`, comment.body ?? '');
  }
  const labels = issue.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? ''))).filter(Boolean);
  return {
    externalId: issueId(repo, issue.number),
    title: issue.title,
    url: issue.html_url,
    body: parts.join('\n\n'),
    mimeType: 'text/markdown',
    metadata: {
      repo,
      number: String(issue.number),
      state: issue.state,
      author: issue.user?.login ?? '',
      labels: labels.join(','),
      kind: issue.pull_request === undefined ? 'issue' : 'pull_request',
      created: issue.created_at,
      updated: issue.updated_at,
    },
    updatedAt: issue.updated_at,
  };
}

export function fileDocument(file: { repo: string; path: string; sha: string; branch: string; webUrl: string; content: Uint8Array }): SourceDocument {
  const { repo, path, sha, branch } = file;
  return {
    externalId: fileId(repo, path),
    title: path.split('/').pop() ?? path,
    url: `${file.webUrl}/${repo}/blob/${branch}/${path}`,
    body: file.content,
    mimeType: mimeTypeFromName(path) ?? 'application/octet-stream',
    metadata: { repo, path, sha, branch },
    updatedAt: null,
  };
}
