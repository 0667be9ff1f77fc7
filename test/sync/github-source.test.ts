import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { dialects } from '../support/databases.ts';
import { eventually, startControlPlane, waitForSync, type ControlPlane } from '../support/control-plane.ts';
import { startGithubProvider, type GithubProvider } from '../support/providers/github.ts';

/**
 * The GitHub reader against a local GitHub API: issues and pull requests with their comments and the
 * branch's matching files, `Link`-paged; incremental reads by `since` and head commit; a revoked token.
 */
describe.each(dialects)('the GitHub source on %s', (dialect) => {
  const repo = 'acme/handbook';
  let plane: ControlPlane;
  let github: GithubProvider;
  let connectorId: string;
  const numbers: number[] = [];

  beforeAll(async () => {
    [plane, github] = await Promise.all([startControlPlane(dialect), startGithubProvider()]);
    github.addRepository(repo);
    numbers.push(
      github.addIssue(repo, { title: 'Search is slow', body: 'Queries take **seconds**.', labels: ['bug', 'search'], comments: ['Reproduced on 1.2.'] }),
    );
    for (let index = 2; index <= 5; index += 1) numbers.push(github.addIssue(repo, { title: `Issue ${index}`, body: `Body of issue ${index}.` }));
    numbers.push(
      github.addIssue(repo, { title: 'Add a setup guide', body: 'Adds docs/team/setup.md.', pullRequest: true, comments: ['Looks good.', 'Merged.'] }),
    );
    numbers.push(github.addIssue(repo, { title: 'Fix typos', body: 'Small fixes.', pullRequest: true }));
    github.putFile(repo, 'docs/guide.md', '# Guide\n\nHow to search.');
    github.putFile(repo, 'docs/team/setup.md', '# Setup\n\nInstall it.');
    github.putFile(repo, 'README.md', '# Handbook');
    github.putFile(repo, 'docs/notes.txt', 'Outside the filter.');
  });
  afterAll(async () => {
    await plane?.close();
    await github?.close();
  });

  async function sync(mode?: 'full' | 'incremental') {
    const started = await plane.request('POST', `/v1/connectors/${connectorId}/sync`, mode ? { body: { mode } } : {});
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    return waitForSync(plane, connectorId, started.body.data.jobId);
  }

  async function documents(): Promise<Array<{ externalId: string; title: string; url: string; content: string; metadata: Record<string, string> }>> {
    const response = await plane.request('GET', `/v1/collections/${connectorId}/documents?limit=200`);
    return response.body.data.sort((a: { externalId: string }, b: { externalId: string }) => a.externalId.localeCompare(b.externalId));
  }

  it('reads issues and pull requests with their comments, and the branch files the filter matches, across Link-paged pages', async () => {
    const created = await plane.request('POST', '/v1/connectors', {
      body: {
        name: 'Handbook',
        type: 'github',
        config: { repos: [repo], pathFilter: 'docs/**/*.md', apiUrl: github.url },
        credentials: { token: github.token },
        pruneSchedule: { type: 'interval', everySeconds: 86400 },
      },
    });
    expect(created.body.data?.state, JSON.stringify(created.body)).toBe('connected');
    connectorId = created.body.data.id;
    // GitHub's primary rate limit, once: waited out in place, as its reset is a second away.
    github.rateLimitOnce('403');

    const job = await sync();
    expect(job).toMatchObject({ status: 'succeeded', mode: 'full', progress: { collected: 9, indexed: 9, failed: 0 } });
    const issuePages = github.requests.filter((request) => request.path.startsWith(`/repos/${repo}/issues?`));
    expect(issuePages.map((request) => new URL(request.path, github.url).searchParams.get('page'))).toEqual([null, '2', '3']);

    const stored = await documents();
    expect(stored.map((document) => document.externalId).sort()).toEqual(
      [...numbers.map((number) => `${repo}/issues/${number}`), `${repo}/blob/docs/guide.md`, `${repo}/blob/docs/team/setup.md`].sort(),
    );
    const bug = stored.find((document) => document.externalId === `${repo}/issues/${numbers[0]}`);
    expect(bug).toMatchObject({
      title: 'Search is slow',
      url: `https://github.com/${repo}/issues/${numbers[0]}`,
      metadata: { repo, number: String(numbers[0]), state: 'open', author: 'octocat', labels: 'bug,search', kind: 'issue' },
    });
    expect(bug?.content).toContain('Reproduced on 1.2.');
    const pull = stored.find((document) => document.externalId === `${repo}/issues/${numbers[5]}`);
    expect(pull).toMatchObject({ url: `https://github.com/${repo}/pull/${numbers[5]}`, metadata: { kind: 'pull_request' } });
    expect(pull?.content).toContain('Merged.');
    const setup = stored.find((document) => document.externalId === `${repo}/blob/docs/team/setup.md`);
    expect(setup).toMatchObject({ url: `${github.url}/${repo}/blob/main/docs/team/setup.md`, metadata: { repo, path: 'docs/team/setup.md', branch: 'main' } });
    expect(setup?.content).toContain('Install it.');
  });

  it('reads only what changed since the last sync, and a full sync removes the issue GitHub no longer lists', async () => {
    github.changeIssue(repo, numbers[1] as number, { body: 'Edited body.' });
    github.changeIssue(repo, numbers[5] as number, { comment: 'Released in 1.3.' });
    const added = github.addIssue(repo, { title: 'New idea', body: 'Dark mode.' });
    github.deleteIssue(repo, numbers[2] as number);
    github.putFile(repo, 'docs/guide.md', '# Guide\n\nHow to search, edited.');

    const incremental = await sync();
    // The branch moved, so both matching files are read again; the unchanged one costs no write.
    expect(incremental).toMatchObject({ status: 'succeeded', mode: 'incremental', progress: { collected: 5, indexed: 4, unchanged: 1, deleted: 0 } });
    const stored = await documents();
    expect(stored.find((document) => document.externalId === `${repo}/issues/${added}`)?.content).toContain('Dark mode.');
    expect(stored.find((document) => document.externalId === `${repo}/issues/${numbers[5]}`)?.content).toContain('Released in 1.3.');
    expect(stored.some((document) => document.externalId === `${repo}/issues/${numbers[2]}`)).toBe(true);

    const full = await sync('full');
    expect(full).toMatchObject({ status: 'succeeded', progress: { collected: 9, indexed: 0, unchanged: 9, deleted: 1 } });
    expect((await documents()).some((document) => document.externalId === `${repo}/issues/${numbers[2]}`)).toBe(false);
  });

  it('prunes from the listing of issue numbers and branch files', async () => {
    github.deleteIssue(repo, numbers[3] as number);
    await plane.client.schedule.getHandle(workflowIds.connectorPruneSchedule(connectorId)).trigger();
    const prune = await eventually(async () => {
      const jobs: Array<{ kind: string; progress: unknown }> = (await plane.request('GET', `/v1/connectors/${connectorId}/syncs`)).body.data;
      const job = jobs.find((candidate) => candidate.kind === 'prune');
      expect(job).toMatchObject({ status: 'succeeded' });
      return job;
    }, 30_000);
    expect(prune?.progress).toMatchObject({ deleted: 1 });
    expect(await documents()).toHaveLength(8);
    expect((await documents()).some((document) => document.externalId === `${repo}/issues/${numbers[3]}`)).toBe(false);
  });

  it('fails the sync and disconnects the connector with GitHub’s reason when the token is revoked', async () => {
    github.revokeToken();
    const job = await sync();
    expect(job.status).toBe('failed');
    expect(job.error).toContain('Bad credentials');
    const connector = await eventually(async () => {
      const current = (await plane.request('GET', `/v1/connectors/${connectorId}`)).body.data;
      expect(current.state).toBe('disconnected');
      return current;
    });
    expect(connector.stateReason).toContain('Bad credentials');
  });
});
