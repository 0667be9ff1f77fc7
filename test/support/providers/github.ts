import type { ServerResponse } from 'node:http';
import { startLocalServer } from '../http-server.ts';
import { createProviderFaults, type Fault } from './faults.ts';
import type { ExpectedDocument, SaasProvider, SourceScenario } from './saas-provider.ts';
import { createTokenIssuer } from './token-issuer.ts';

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

export interface GithubProvider extends SaasProvider {
  addRepository(name: string, defaultBranch?: string): void;
  addIssue(repo: string, issue: { title: string; body: string; pullRequest?: boolean; labels?: string[]; comments?: string[] }): number;
  changeIssue(repo: string, number: number, change: { title?: string; body?: string; comment?: string }): void;
  deleteIssue(repo: string, number: number): void;
  /** Adds or changes a file, as a new commit on the default branch. */
  putFile(repo: string, path: string, content: string): void;
  /** The next API call answers 403 with GitHub's exhausted primary rate limit, reset a second later. */
  primaryRateLimitOnce(): void;
}

/**
 * A local GitHub REST API (version 2022-11-28) for the calls the reader makes: repository, issues
 * (with `since` and `Link` paging), comments, git trees and blobs, and a branch's head commit; and
 * the OAuth token endpoint. A refused token answers 401 `Bad credentials` as GitHub does.
 */
export async function startGithubProvider(): Promise<GithubProvider> {
  const repositories = new Map<string, Repository>();
  const tokens = createTokenIssuer('ghp_');
  const faults = createProviderFaults();
  let primaryLimitPending = false;
  let nextNumber = 1;
  // Milliseconds, unlike GitHub's seconds: a change made right after a sync must fall after its start.
  const now = () => new Date().toISOString();

  const server = await startLocalServer(async (request, response) => {
    if (request.path === '/login/oauth/access_token') return tokens.answerTokenRequest(request, response);
    const url = new URL(request.path, 'http://local');
    const fault = await faults.next();
    if (fault) return answerFault(response, fault);
    if (primaryLimitPending) return answerPrimaryLimit(response);
    if (tokens.check(request.headers.authorization) !== 'valid') {
      return json(response, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
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

  /** GitHub's secondary rate limit and its 5xx, as its REST API answers them. */
  function answerFault(response: ServerResponse, fault: Fault): void {
    if (fault.kind === 'serverError') return json(response, fault.status, { message: 'Server Error' });
    response.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds) });
    response.end(JSON.stringify({ message: 'You have exceeded a secondary rate limit.', documentation_url: 'https://docs.github.com/rest/rate-limit' }));
  }

  function answerPrimaryLimit(response: ServerResponse): void {
    primaryLimitPending = false;
    const reset = Math.ceil(Date.now() / 1000) + 1;
    response.writeHead(403, { 'content-type': 'application/json', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    response.end(JSON.stringify({ message: 'API rate limit exceeded', documentation_url: 'https://docs.github.com/rest/rate-limit' }));
  }

  const repositoryOf = (name: string) => {
    const repository = repositories.get(name);
    if (!repository) throw new Error(`no repository ${name}`);
    return repository;
  };

  return {
    url: server.url,
    tokenUrl: `${server.url}/login/oauth/access_token`,
    requests: server.requests,
    tokens,
    faults,
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
    primaryRateLimitOnce() {
      primaryLimitPending = true;
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

const REPO = 'acme/handbook';

/** The GitHub provider with its seeded repository and the numbers of its issues and pull requests, in order. */
export type SeededGithubProvider = GithubProvider & { numbers: number[] };

interface SeededIssue {
  title: string;
  body: string;
  pullRequest?: boolean;
  labels?: string[];
  comments?: string[];
}

const seededIssues: SeededIssue[] = [
  { title: 'Search is slow', body: 'Queries take **seconds**.', labels: ['bug', 'search'], comments: ['Reproduced on 1.2.'] },
  ...[2, 3, 4, 5].map((index) => ({ title: `Issue ${index}`, body: `Body of issue ${index}.` })),
  { title: 'Add a setup guide', body: 'Adds docs/team/setup.md.', pullRequest: true, comments: ['Looks good.', 'Merged.'] },
  { title: 'Fix typos', body: 'Small fixes.', pullRequest: true },
];

const seededFiles: Record<string, string> = {
  'docs/guide.md': '# Guide\n\nHow to search.',
  'docs/team/setup.md': '# Setup\n\nInstall it.',
  'README.md': '# Handbook',
  'docs/notes.txt': 'Outside the filter.',
};

function expectedIssue(number: number, issue: SeededIssue, extra: string[] = []): ExpectedDocument {
  return {
    externalId: `${REPO}/issues/${number}`,
    title: issue.title,
    url: `https://github.com/${REPO}/${issue.pullRequest ? 'pull' : 'issues'}/${number}`,
    // The body is Markdown; stored as text, its emphasis marks are gone.
    contains: [issue.body.replaceAll('**', ''), ...(issue.comments ?? []), ...extra],
    metadata: {
      repo: REPO,
      number: String(number),
      state: 'open',
      author: 'octocat',
      labels: (issue.labels ?? []).join(','),
      kind: issue.pullRequest ? 'pull_request' : 'issue',
    },
  };
}

/** Seven issues and pull requests (three `Link`-paged pages) and the two files of `docs/**\/*.md`. */
export const githubScenario: SourceScenario<SeededGithubProvider> = {
  type: 'github',
  async start() {
    const provider = await startGithubProvider();
    provider.addRepository(REPO);
    const numbers = seededIssues.map((issue) => provider.addIssue(REPO, issue));
    for (const [path, content] of Object.entries(seededFiles)) provider.putFile(REPO, path, content);
    return Object.assign(provider, { numbers });
  },
  config: (provider) => ({ repos: [REPO], pathFilter: 'docs/**/*.md', apiUrl: provider.url }),
  tokenCredential: (provider) => ({ kind: 'api_token', secret: { token: provider.tokens.apiToken } }),
  seeded: (provider) => [
    ...seededIssues.map((issue, index) => expectedIssue(provider.numbers[index] as number, issue)),
    ...['docs/guide.md', 'docs/team/setup.md'].map((path) => ({
      externalId: `${REPO}/blob/${path}`,
      title: path.split('/').pop() as string,
      url: `${provider.url}/${REPO}/blob/main/${path}`,
      contains: [(seededFiles[path] as string).split('\n').pop() as string],
      metadata: { repo: REPO, path, branch: 'main' },
    })),
  ],
  isListingPage: (request) => request.path.startsWith(`/repos/${REPO}/issues?`),
  change(provider) {
    const [first, second, third] = provider.numbers as [number, number, number];
    provider.changeIssue(REPO, second, { body: 'Edited body.' });
    provider.changeIssue(REPO, first, { comment: 'Fixed in 1.3.' });
    const added = provider.addIssue(REPO, { title: 'New idea', body: 'Dark mode.' });
    provider.deleteIssue(REPO, third);
    return {
      changed: [
        expectedIssue(second, { ...(seededIssues[1] as SeededIssue), body: 'Edited body.' }),
        expectedIssue(first, seededIssues[0] as SeededIssue, ['Fixed in 1.3.']),
      ],
      added: expectedIssue(added, { title: 'New idea', body: 'Dark mode.' }),
      deleted: `${REPO}/issues/${third}`,
    };
  },
  revokedReason: 'Bad credentials',
};
