import { sourceFetch } from '../http/source-fetch.ts';
import { posix } from 'node:path';
import { mimeTypeFromName } from '../../domain/mime-types.ts';
import type { ReadContext, Source, SourceDocument, SourcePage } from '../source.ts';
import { pageSelection } from '../page-budget.ts';
import { githubApi, webUrlOf, type GithubTreeEntry } from './api.ts';
import type { GithubConfig } from './index.ts';
import { fileDocument, fileId, issueDocument, issueId } from './documents.ts';

const FILES_PER_PAGE = 50;
const PARALLEL_BLOBS = 8;

/** Where a GitHub sync stands: which repository, which part of it, and where in that part. */
type GithubPosition = {
  repo: number;
  part: 'issues' | 'files';
  /** Path and query of the next issues page (from its `Link` header); null for the first. */
  page: string | null;
  /** Resolved once per repository, so every page of the sync reads the same branch. */
  branch: string | null;
  /** The sha of the tree being read, so later pages list the same files even if the branch moves. */
  tree: string | null;
  /** Files of the tree already read. */
  offset: number;
};

const startOf = (repo: number): GithubPosition => ({ repo, part: 'issues', page: null, branch: null, tree: null, offset: 0 });

/**
 * Each repository's issues and pull requests (with their comments), then the files of its branch
 * that match `pathFilter`. Incremental reads ask GitHub for issues updated since the last sync, and
 * read the files again only when the branch has a commit since then; unchanged files then cost no write.
 */
export function openGithubSource(context: ReadContext<GithubConfig>): Source {
  const { config, since } = context;
  const api = githubApi({ apiUrl: config.apiUrl, fetch: sourceFetch(context) });
  const webUrl = webUrlOf(config.apiUrl);
  const pattern = config.pathFilter ?? '**';
  // Without a filter every file would be read; only the types Tributary parses are worth the requests.
  const wanted = (entry: GithubTreeEntry) => entry.type === 'blob' && posix.matchesGlob(entry.path, pattern) && mimeTypeFromName(entry.path) !== undefined;
  const afterRepo = (position: GithubPosition): GithubPosition | null => (position.repo + 1 < config.repos.length ? startOf(position.repo + 1) : null);

  async function readIssues(position: GithubPosition): Promise<SourcePage> {
    const repo = config.repos[position.repo] as string;
    const branch = position.branch ?? config.branch ?? (await api.defaultBranch(repo));
    const page = await api.issues(repo, since, position.page ? { url: position.page } : null);
    const documents: SourceDocument[] = [];
    for (const issue of page.items) {
      documents.push(issueDocument(repo, issue, issue.comments > 0 ? await api.comments(repo, issue.number) : []));
      context.heartbeat();
    }
    const next: GithubPosition | null = page.next
      ? { ...position, branch, page: 'url' in page.next ? page.next.url : null }
      : { ...position, branch, part: 'files', page: null };
    return { documents, next };
  }

  async function readFiles(position: GithubPosition): Promise<SourcePage> {
    const repo = config.repos[position.repo] as string;
    const branch = position.branch as string;
    if (!position.tree && since) {
      const head = await api.headCommitDate(repo, branch);
      if (head && head <= since) return { documents: [], next: afterRepo(position) };
    }
    const tree = await api.tree(repo, position.tree ?? branch);
    const files = tree.entries.filter(wanted).sort((a, b) => (a.path < b.path ? -1 : 1));
    const selection = pageSelection<GithubTreeEntry>(context.limits);
    const { taken, skipped } = selection;
    let offset = position.offset;
    for (; offset < files.length && taken.length < FILES_PER_PAGE; offset += 1) {
      const file = files[offset] as GithubTreeEntry;
      if (!selection.offer(file, file.size ?? 0, fileId(repo, file.path))) break;
    }
    const documents: SourceDocument[] = [];
    for (let index = 0; index < taken.length; index += PARALLEL_BLOBS) {
      const batch = taken.slice(index, index + PARALLEL_BLOBS);
      const contents = await Promise.all(batch.map((file) => api.blob(repo, file.sha)));
      batch.forEach((file, at) => documents.push(fileDocument({ repo, path: file.path, sha: file.sha, branch, webUrl, content: contents[at] as Uint8Array })));
      context.heartbeat();
    }
    const next = offset < files.length ? { ...position, tree: tree.sha, offset } : afterRepo(position);
    return { documents, skipped, next };
  }

  return {
    read(checkpoint) {
      const position = (checkpoint as GithubPosition | null) ?? startOf(0);
      return position.part === 'issues' ? readIssues(position) : readFiles(position);
    },
    async *listIds() {
      for (const repo of config.repos) {
        const branch = config.branch ?? (await api.defaultBranch(repo));
        for (let position: string | null = null, first = true; first || position; first = false) {
          const page = await api.issues(repo, null, position ? { url: position } : null);
          if (page.items.length > 0) yield page.items.map((issue) => issueId(repo, issue.number));
          position = page.next && 'url' in page.next ? page.next.url : null;
        }
        const files = (await api.tree(repo, branch)).entries.filter(wanted).map((file) => fileId(repo, file.path));
        if (files.length > 0) yield files;
      }
    },
  };
}
