import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { eventually, startControlPlane, type ControlPlane, syncToEnd } from '../support/control-plane.ts';
import { githubScenario, type SeededGithubProvider } from '../support/providers/github.ts';
import { createBoundConnector, describeSourceConformance, storedDocuments } from '../support/source-conformance.ts';

describeSourceConformance(githubScenario, 'sqlite');

/** What only GitHub does: files of a branch read again only when it moves, its primary rate limit, and prune by listing. */
describe('the GitHub source’s files, primary rate limit and prune', () => {
  const repo = 'acme/handbook';
  let plane: ControlPlane;
  let github: SeededGithubProvider;
  let connectorId: string;

  beforeAll(async () => {
    [plane, github] = await Promise.all([startControlPlane('sqlite'), githubScenario.start()]);
    connectorId = await createBoundConnector(plane, {
      type: 'github',
      name: 'Handbook',
      config: githubScenario.config(github),
      credential: githubScenario.tokenCredential(github),
      schedules: true,
    });
  });
  afterAll(async () => {
    await plane?.close();
    await github?.close();
  });

  const sync = (mode: 'full' | 'incremental') => syncToEnd(plane, connectorId, mode);

  it('waits out GitHub’s primary rate limit until its reset', async () => {
    github.primaryRateLimitOnce();
    const job = await sync('full');
    expect(job).toMatchObject({ status: 'succeeded', progress: { collected: 9, indexed: 9, failed: 0 } });
  });

  it('reads the branch’s files again only when it has a commit since the last sync; unchanged ones cost no write', async () => {
    const quiet = await sync('incremental');
    expect(quiet).toMatchObject({ status: 'succeeded', progress: { collected: 0 } });
    expect(github.requests.some((request) => request.path.includes('/git/trees/') && request.at >= Date.parse(quiet.startedAt))).toBe(false);

    github.putFile(repo, 'docs/guide.md', '# Guide\n\nHow to search, edited.');
    const moved = await sync('incremental');
    expect(moved).toMatchObject({ status: 'succeeded', progress: { collected: 2, indexed: 1, unchanged: 1 } });
    const guide = (await storedDocuments(plane, connectorId)).find((document) => document.externalId === `${repo}/blob/docs/guide.md`);
    expect(guide?.content).toContain('How to search, edited.');
  });

  it('prunes from the listing of issue numbers and branch files', async () => {
    github.deleteIssue(repo, github.numbers[3] as number);
    await plane.client.schedule.getHandle(workflowIds.connectorPruneSchedule(connectorId)).trigger();
    const prune = await eventually(async () => {
      const jobs: Array<{ kind: string; status: string; progress: unknown }> = (await plane.request('GET', `/v1/connectors/${connectorId}/syncs`)).body.data;
      const job = jobs.find((candidate) => candidate.kind === 'prune');
      expect(job).toMatchObject({ status: 'succeeded' });
      return job;
    }, 30_000);
    expect(prune?.progress).toMatchObject({ deleted: 1 });
    const stored = await storedDocuments(plane, connectorId);
    expect(stored).toHaveLength(8);
    expect(stored.some((document) => document.externalId === `${repo}/issues/${github.numbers[3]}`)).toBe(false);
  });
});
