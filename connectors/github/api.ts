import { z } from 'zod';
import type { HttpFetch } from '../../net/guarded-fetch.ts';
import { readPage, type Listing, type ListingPage, type PagePosition } from '../http/paging.ts';
import { SourceHttpError, SourceRefusedError } from '../http/source-errors.ts';

/** GitHub's REST wire format (API version 2022-11-28): the few calls and fields the reader uses. */

export const GITHUB_HEADERS = {
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
  'user-agent': 'tributary',
} as const;

export const issueSchema = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullable().optional(),
  html_url: z.string(),
  state: z.string(),
  user: z.object({ login: z.string() }).nullable(),
  labels: z.array(z.union([z.string(), z.object({ name: z.string().optional() })])).default([]),
  comments: z.number().int().default(0),
  pull_request: z.unknown().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type GithubIssue = z.infer<typeof issueSchema>;

export const commentSchema = z.object({
  body: z.string().nullable().optional(),
  user: z.object({ login: z.string() }).nullable(),
  created_at: z.string(),
});
export type GithubComment = z.infer<typeof commentSchema>;

const repositorySchema = z.object({ default_branch: z.string() });

export const treeEntrySchema = z.object({ path: z.string(), type: z.string(), sha: z.string(), size: z.number().int().optional() });
export type GithubTreeEntry = z.infer<typeof treeEntrySchema>;
const treeSchema = z.object({ sha: z.string(), tree: z.array(treeEntrySchema), truncated: z.boolean().optional() });

const blobSchema = z.object({ content: z.string(), encoding: z.string() });
const commitSchema = z.object({ commit: z.object({ committer: z.object({ date: z.string() }).nullable() }) });

export interface GithubApi {
  /** The repository's default branch; a repository that is gone (or hidden from the token) stops the sync. */
  defaultBranch(repo: string): Promise<string>;
  /** One page of the repository's issues and pull requests, oldest update first, only those updated since `since` when given. */
  issues(repo: string, since: string | null, position: PagePosition | null): Promise<ListingPage<GithubIssue>>;
  /** Every comment of an issue or pull request, in order. */
  comments(repo: string, issue: number): Promise<GithubComment[]>;
  /** The branch's whole tree, by its sha so later pages of one sync read the same tree. */
  tree(repo: string, treeish: string): Promise<{ sha: string; entries: GithubTreeEntry[] }>;
  blob(repo: string, sha: string): Promise<Uint8Array>;
  /** When the branch's head commit was made. */
  headCommitDate(repo: string, branch: string): Promise<string | null>;
}

export interface GithubApiOptions {
  apiUrl: string;
  /** The reader's `sourceFetch`: authorized, refreshing and retrying. */
  fetch: HttpFetch;
}

export function githubApi(options: GithubApiOptions): GithubApi {
  const { apiUrl, fetch } = options;

  const listing = <Item>(path: string, item: z.ZodType<Item>): Listing<Item> => ({
    service: 'GitHub',
    baseUrl: apiUrl,
    request: { path, headers: GITHUB_HEADERS },
    itemsAt: '',
    item,
    paging: { kind: 'linkHeader' },
  });

  async function getJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const response = await fetch(`${apiUrl}${path}`, { headers: GITHUB_HEADERS });
    const text = await response.text();
    if (!response.ok) throw SourceHttpError.fromResponse(response, text, `GitHub (${path})`);
    return schema.parse(JSON.parse(text));
  }

  return {
    async defaultBranch(repo) {
      try {
        return (await getJson(`/repos/${repo}`, repositorySchema)).default_branch;
      } catch (error) {
        // GitHub answers 404 for private repositories the token cannot see, too.
        if (error instanceof SourceHttpError && error.status === 404) {
          throw new SourceRefusedError(`GitHub has no repository ${repo}, or the token cannot see it (404)`);
        }
        throw error;
      }
    },
    issues(repo, since, position) {
      const query = `state=all&sort=updated&direction=asc&per_page=100${since ? `&since=${encodeURIComponent(since)}` : ''}`;
      return readPage(fetch, listing(`/repos/${repo}/issues?${query}`, issueSchema), position);
    },
    async comments(repo, issue) {
      const all: GithubComment[] = [];
      const comments = listing(`/repos/${repo}/issues/${issue}/comments?per_page=100`, commentSchema);
      for (let position: PagePosition | null = null, first = true; first || position; first = false) {
        const page: ListingPage<GithubComment> = await readPage(fetch, comments, position);
        all.push(...page.items);
        position = page.next;
      }
      return all;
    },
    async tree(repo, treeish) {
      const tree = await getJson(`/repos/${repo}/git/trees/${encodeURIComponent(treeish)}?recursive=1`, treeSchema);
      if (tree.truncated) throw new SourceRefusedError(`GitHub truncated the tree of ${repo} at ${treeish}: too many files to list in one call`);
      return { sha: tree.sha, entries: tree.tree };
    },
    async blob(repo, sha) {
      const blob = await getJson(`/repos/${repo}/git/blobs/${sha}`, blobSchema);
      return blob.encoding === 'base64' ? new Uint8Array(Buffer.from(blob.content, 'base64')) : new TextEncoder().encode(blob.content);
    },
    async headCommitDate(repo, branch) {
      return (await getJson(`/repos/${repo}/commits/${encodeURIComponent(branch)}`, commitSchema)).commit.committer?.date ?? null;
    },
  };
}

/** The web host of an API base URL: api.github.com is github.com; GitHub Enterprise Server's https://HOST/api/v3 is https://HOST. */
export function webUrlOf(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/$/, '')}`;
}
