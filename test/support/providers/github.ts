import type { ServerResponse } from 'node:http';
import { startLocalServer, type LocalServer } from '../http-server.ts';

/** The server caps `per_page` this low so a handful of seeded issues spans several `Link`-paged pages. */
const MAX_PER_PAGE = 3;

interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  author: string;
  labels: string[];
  pullRequest: boolean;
  comments: Array<{ author: string; body: string; createdAt: string }>;
  createdAt: string;
  updatedAt: string;
}

interface Repository {
  defaultBranch: string;
  issues: Map<number, Issue>;
  /** Files of the default branch by path. */
  files: Map<string, string>;
  headCommitDate: string;
}

export interface GithubProvider {
  url: string;
  requests: LocalServer['requests'];
  token: string;
  addRepository(name: string, defaultBranch?: string): void;
  addIssue(repo: string, issue: { title: string; body: string; pullRequest?: boolean; labels?: string[]; comments?: string[] }): number;
  changeIssue(repo: string, number: number, change: { title?: string; body?: string; comment?: string }): void;
  deleteIssue(repo: string, number: number): void;
  /** Adds or changes a file, as a new commit on the default branch. */
  putFile(repo: string, path: string, content: string): void;
  revokeToken(): void;
  /** The next API call answers 429 with Retry-After, or 403 with GitHub's exhausted primary rate limit. */
  rateLimitOnce(kind: '429' | '403'): void;
  close(): Promise<void>;
}

/**
 * A local GitHub REST API (version 2022-11-28) for the calls the reader makes: repository, issues
 * (with `since` and `Link` paging), comments, git trees and blobs, and a branch's head commit.
 * Bearer token auth answers 401 `Bad credentials` as GitHub does.
 */
export async function startGithubProvider(): Promise<GithubProvider> {
  const repositories = new Map<string, Repository>();
  let token = 'ghp_test_token';
  let revoked = false;
  let pendingLimit: '429' | '403' | null = null;
  let nextNumber = 1;
  // Milliseconds, unlike GitHub's seconds: a change made right after a sync must fall after its start.
  const now = () => new Date().toISOString();

  const server = await startLocalServer((request, response) => {
    const url = new URL(request.path, 'http://local');
    if (pendingLimit) return answerRateLimit(response);
    if (revoked || request.headers.authorization !== `Bearer ${token}`) {
      return json(response, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    }
    const match = /^\/repos\/([^/]+\/[^/]+)(\/.*)?$/.exec(url.pathname);
    const repository = match ? repositories.get(match[1] as string) : undefined;
    if (!match || !repository) return json(response, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    const repo = match[1] as string;
    const rest = match[2] ?? '';
    if (rest === '') return json(response, 200, { full_name: repo, default_branch: repository.defaultBranch, html_url: `${server.url}/${repo}` });
    if (rest === '/issues') return listIssues(response, url, repo, repository);
    const comments = /^\/issues\/(\d+)\/comments$/.exec(rest);
    if (comments) {
      const issue = repository.issues.get(Number(comments[1]));
      if (!issue) return json(response, 404, { message: 'Not Found' });
      const shaped = issue.comments.map((comment, index) => ({
        id: issue.number * 1000 + index,
        body: comment.body,
        user: { login: comment.author },
        created_at: comment.createdAt,
        updated_at: comment.createdAt,
      }));
      return paged(response, url, shaped);
    }
    const tree = /^\/git\/trees\/(.+)$/.exec(rest);
    if (tree) {
      const entries = [...repository.files].map(([path, content]) => ({
        path,
        mode: '100644',
        type: 'blob',
        sha: blobSha(content),
        size: Buffer.byteLength(content),
      }));
      const folders = [...new Set([...repository.files.keys()].flatMap((path) => parentsOf(path)))].map((path) => ({
        path,
        mode: '040000',
        type: 'tree',
        sha: blobSha(path),
      }));
      return json(response, 200, { sha: blobSha([...repository.files.keys()].join()), truncated: false, tree: [...folders, ...entries] });
    }
    const blob = /^\/git\/blobs\/([0-9a-f]+)$/.exec(rest);
    if (blob) {
      const content = [...repository.files.values()].find((candidate) => blobSha(candidate) === blob[1]);
      if (content === undefined) return json(response, 404, { message: 'Not Found' });
      return json(response, 200, {
        sha: blob[1],
        size: Buffer.byteLength(content),
        encoding: 'base64',
        content: Buffer.from(content)
          .toString('base64')
          .replace(/(.{60})/g, '$1\n'),
      });
    }
    if (/^\/commits\/[^/]+$/.test(rest)) {
      return json(response, 200, { sha: blobSha(repository.headCommitDate), commit: { committer: { name: 'dev', date: repository.headCommitDate } } });
    }
    return json(response, 404, { message: 'Not Found' });
  });

  function listIssues(response: ServerResponse, url: URL, repo: string, repository: Repository): void {
    const since = url.searchParams.get('since');
    const issues = [...repository.issues.values()]
      .filter((issue) => !since || issue.updatedAt >= since)
      .sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : 1))
      .map((issue) => ({
        number: issue.number,
        title: issue.title,
        body: issue.body,
        state: issue.state,
        html_url: `https://github.com/${repo}/${issue.pullRequest ? 'pull' : 'issues'}/${issue.number}`,
        user: { login: issue.author, type: 'User' },
        labels: issue.labels.map((name, index) => ({ id: index, name, color: 'ededed' })),
        comments: issue.comments.length,
        created_at: issue.createdAt,
        updated_at: issue.updatedAt,
        ...(issue.pullRequest
          ? { pull_request: { url: `${server.url}/repos/${repo}/pulls/${issue.number}`, html_url: `https://github.com/${repo}/pull/${issue.number}` } }
          : {}),
      }));
    paged(response, url, issues);
  }

  /** GitHub's page-number paging: `page` and `per_page` in the query, the next page in a `Link` header. */
  function paged(response: ServerResponse, url: URL, items: unknown[]): void {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), MAX_PER_PAGE);
    const page = Number(url.searchParams.get('page') ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const links: string[] = [];
    const at = (number: number) => {
      const target = new URL(url);
      target.searchParams.set('page', String(number));
      return `<${server.url}${target.pathname}${target.search}>`;
    };
    const last = Math.max(1, Math.ceil(items.length / perPage));
    if (page < last) links.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
    response.writeHead(200, { 'content-type': 'application/json', ...(links.length > 0 ? { link: links.join(', ') } : {}) });
    response.end(JSON.stringify(slice));
  }

  function answerRateLimit(response: ServerResponse): void {
    const kind = pendingLimit;
    pendingLimit = null;
    if (kind === '429') {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
    } else {
      const reset = Math.ceil(Date.now() / 1000) + 1;
      response.writeHead(403, { 'content-type': 'application/json', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    }
    response.end(JSON.stringify({ message: 'API rate limit exceeded', documentation_url: 'https://docs.github.com/rest/rate-limit' }));
  }

  const repositoryOf = (name: string) => {
    const repository = repositories.get(name);
    if (!repository) throw new Error(`no repository ${name}`);
    return repository;
  };

  return {
    url: server.url,
    requests: server.requests,
    get token() {
      return token;
    },
    addRepository(name, defaultBranch = 'main') {
      repositories.set(name, { defaultBranch, issues: new Map(), files: new Map(), headCommitDate: now() });
    },
    addIssue(repo, issue) {
      const number = nextNumber++;
      const createdAt = now();
      repositoryOf(repo).issues.set(number, {
        number,
        title: issue.title,
        body: issue.body,
        state: 'open',
        author: 'octocat',
        labels: issue.labels ?? [],
        pullRequest: issue.pullRequest ?? false,
        comments: (issue.comments ?? []).map((body, index) => ({ author: `reviewer${index}`, body, createdAt: now() })),
        createdAt,
        updatedAt: createdAt,
      });
      return number;
    },
    changeIssue(repo, number, change) {
      const issue = repositoryOf(repo).issues.get(number);
      if (!issue) throw new Error(`no issue ${number}`);
      if (change.title !== undefined) issue.title = change.title;
      if (change.body !== undefined) issue.body = change.body;
      if (change.comment !== undefined) issue.comments.push({ author: 'commenter', body: change.comment, createdAt: now() });
      issue.updatedAt = now();
    },
    deleteIssue(repo, number) {
      repositoryOf(repo).issues.delete(number);
    },
    putFile(repo, path, content) {
      const repository = repositoryOf(repo);
      repository.files.set(path, content);
      repository.headCommitDate = now();
    },
    revokeToken() {
      revoked = true;
      token = `${token}-revoked`;
    },
    rateLimitOnce(kind) {
      pendingLimit = kind;
    },
    close: () => server.close(),
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** A stand-in for git's object id: 40 hex digits derived from the content. */
function blobSha(content: string): string {
  let hash = 2166136261;
  for (const char of content) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 16777619) >>> 0;
  return hash.toString(16).padStart(8, '0').repeat(5);
}

function parentsOf(path: string): string[] {
  const parts = path.split('/').slice(0, -1);
  return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
}
