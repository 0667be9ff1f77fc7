import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceHttpError } from '../../connectors/http/source-errors.ts';
import { onedrive, onedriveConfigSchema } from '../../connectors/onedrive/index.ts';
import { sharepoint, sharepointConfigSchema } from '../../connectors/sharepoint/index.ts';
import type { Source } from '../../connectors/source.ts';
import { startControlPlane, type ControlPlane, syncToEnd } from '../support/control-plane.ts';
import { sharepointScenario, startGraphProvider, type GraphProvider } from '../support/providers/microsoft-graph.ts';
import { directReadContext } from '../support/read-context.ts';
import { createBoundConnector, describeSourceConformance, expectExactly, storedDocuments } from '../support/source-conformance.ts';

describeSourceConformance(sharepointScenario, 'sqlite');

describe('the SharePoint and OneDrive readers', () => {
  let plane: ControlPlane;
  let provider: GraphProvider;

  beforeAll(async () => {
    [plane, provider] = await Promise.all([startControlPlane('sqlite'), startGraphProvider()]);
  });
  afterAll(async () => {
    await plane?.close();
    await provider?.close();
  });

  const sync = (connectorId: string, mode: 'full' | 'incremental') => syncToEnd(plane, connectorId, mode);

  const connect = (type: 'sharepoint' | 'onedrive', urls: string[]) =>
    createBoundConnector(plane, {
      type,
      name: `${type} ${Math.random().toString(36).slice(2, 8)}`,
      config: { urls, graphUrl: provider.url },
      credential: sharepointScenario.tokenCredential(provider),
    });

  const deltaRequests = (from: number, driveId: string) =>
    provider.requests
      .slice(from)
      .filter((request) => request.path.startsWith(`/v1.0/drives/${encodeURIComponent(driveId)}/`) && request.path.includes('/delta'));

  it('resolves a site URL to its libraries, and follows content redirects without sending the token to the download host', async () => {
    const connectorId = await connect('sharepoint', [provider.siteUrl]);
    const before = provider.requests.length;
    const downloadsBefore = provider.downloads.length;
    const seeded = sharepointScenario.seeded(provider).length;
    const job = await sync(connectorId, 'full');
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', progress: { collected: seeded, failed: 0 } });
    const paths = provider.requests.slice(before).map((request) => request.path);
    expect(paths).toContain('/v1.0/sites/contoso.sharepoint.com:/sites/Eng?$select=id,name,displayName');
    expect(paths.some((path) => /^\/v1\.0\/sites\/[^/]+\/drives\?/.test(path))).toBe(true);
    for (const driveId of [provider.drives.documents, provider.drives.specs]) expect(deltaRequests(before, driveId).length).toBeGreaterThan(0);

    const contentRequests = provider.requests.slice(before).filter((request) => request.path.endsWith('/content'));
    const downloads = provider.downloads.slice(downloadsBefore);
    expect(contentRequests).toHaveLength(seeded);
    expect(contentRequests.every((request) => request.headers.authorization?.startsWith('Bearer '))).toBe(true);
    expect(downloads).toHaveLength(seeded);
    for (const download of downloads) {
      expect(download.path).toMatch(/^\/_layouts\/15\/download\.aspx\?UniqueId=\w+&tempauth=/);
      expect(download.headers.authorization).toBeUndefined();
    }

    const stored = await storedDocuments(plane, connectorId);
    const byId = new Map(stored.map((document) => [document.externalId, document]));
    expect(byId.get(provider.ids.roadmap)?.content).toContain('Roadmap: ship delta sync in June');
    expect(byId.get(provider.ids.security)?.content).toContain('Security policy: rotate keys every 90 days');
    expect(byId.has(provider.ids.photo)).toBe(false);
  });

  it('does not advance the cursor when a sync fails, so the next one resumes from the last successful delta links', async () => {
    const connectorId = await connect('sharepoint', [provider.siteUrl]);
    expect(await sync(connectorId, 'full')).toMatchObject({ status: 'succeeded' });
    const kept = provider.deltaLinks.filter((link) => link.driveId === provider.drives.documents).at(-1)?.path;

    provider.appendText(provider.ids.architecture, 'Deploys need two approvals.');
    provider.appendText(provider.ids.storage, 'Old versions are kept for 30 days.');
    provider.rejectNextDelta(provider.drives.specs);
    const failed = await sync(connectorId, 'incremental');
    expect(failed, JSON.stringify(failed)).toMatchObject({ status: 'failed', mode: 'incremental' });
    expect(failed.error).toContain('invalidRequest');
    // The failed sync had read Documents to a newer delta link, which it must not hand on.
    expect(provider.deltaLinks.filter((link) => link.driveId === provider.drives.documents).at(-1)?.path).not.toBe(kept);

    const before = provider.requests.length;
    const retried = await sync(connectorId, 'incremental');
    expect(retried, JSON.stringify(retried)).toMatchObject({ status: 'succeeded', mode: 'incremental', progress: { failed: 0 } });
    expect(deltaRequests(before, provider.drives.documents)[0]?.path).toBe(kept);
    const stored = new Map((await storedDocuments(plane, connectorId)).map((document) => [document.externalId, document.content]));
    expect(stored.get(provider.ids.architecture)).toContain('Deploys need two approvals.');
    expect(stored.get(provider.ids.storage)).toContain('Old versions are kept for 30 days.');
  });

  it('reads a OneDrive folder in full, then only its changes from the stored delta link, a deleted item removed', async () => {
    const connectorId = await connect('onedrive', [provider.oneDriveFolderUrl]);
    const full = await sync(connectorId, 'full');
    expect(full, JSON.stringify(full)).toMatchObject({ status: 'succeeded', progress: { collected: 4, failed: 0 } });
    expectExactly(await storedDocuments(plane, connectorId), provider.expected(provider.ids.projects));
    const handedOut = provider.deltaLinks.filter((link) => link.driveId === provider.drives.onedrive).at(-1)?.path;
    expect(handedOut).toMatch(/\/items\/\w+\/delta\?token=/);

    provider.appendText(provider.ids.plan, 'Moved to April.');
    provider.deleteItem(provider.ids.old);
    const before = provider.requests.length;
    const incremental = await sync(connectorId, 'incremental');
    expect(incremental, JSON.stringify(incremental)).toMatchObject({ status: 'succeeded', progress: { collected: 1, indexed: 1, deleted: 1 } });
    expect(incremental.sourceCursor.from).not.toBeNull();
    expect(deltaRequests(before, provider.drives.onedrive)[0]?.path).toBe(handedOut);
    expectExactly(await storedDocuments(plane, connectorId), provider.expected(provider.ids.projects));
  });

  it('lists for a prune the readable files under a folder, not its folders, the files beside it or a PNG', async () => {
    const ids = await listIds(openReader('onedrive', [provider.oneDriveFolderUrl]));
    expect(ids.sort()).toEqual(
      provider
        .expected(provider.ids.projects)
        .map((document) => document.externalId)
        .sort(),
    );
    const siteIds = await listIds(openReader('sharepoint', [provider.siteUrl]));
    expect(siteIds).not.toContain(provider.ids.photo);
    expect(siteIds.sort()).toEqual(
      [...provider.expected(provider.drives.documents), ...provider.expected(provider.drives.specs)].map((document) => document.externalId).sort(),
    );
  });

  it('reads a folder from its start again when Graph answers 410 resyncRequired to a delta link too old to resume', async () => {
    const folderId = provider.ids.projects.split('/')[1] as string;
    const stale = `/v1.0/drives/${encodeURIComponent(provider.drives.onedrive)}/items/${folderId}/delta?token=expired`;
    const source = openReader('onedrive', [provider.oneDriveFolderUrl], { sourceCursor: JSON.stringify({ [provider.ids.projects]: stale }) });
    const before = provider.requests.length;
    const documents = [];
    for (let page = await source.read(null); ; page = await source.read(page.next)) {
      documents.push(...page.documents);
      if (!page.next) break;
    }
    expect(provider.requests.slice(before).some((request) => request.path === stale)).toBe(true);
    expect(documents.map((document) => document.externalId).sort()).toEqual(
      provider
        .expected(provider.ids.projects)
        .map((document) => document.externalId)
        .sort(),
    );
  });

  it('reads a file URL as one document with its path, and incrementally only once it changed', async () => {
    const fileUrl = `${provider.oneDriveFolderUrl}/budget.txt`;
    const first = await openReader('onedrive', [fileUrl]).read(null);
    expect(first.next).toBeNull();
    expect(first.documents).toHaveLength(1);
    expect(first.documents[0]).toMatchObject({ externalId: provider.ids.budget, metadata: { path: '/Projects/budget.txt', drive: 'OneDrive' } });
    const since = new Date().toISOString();
    expect((await openReader('onedrive', [fileUrl], { since }).read(null)).documents).toHaveLength(0);
    provider.appendText(provider.ids.budget, 'Plus a monitor.');
    expect((await openReader('onedrive', [fileUrl], { since }).read(null)).documents).toHaveLength(1);
  });

  it('fails with Graph’s code and message, as a 401 the sync treats as a refused credential, when the token has expired', async () => {
    const credential = {
      kind: 'oauth2' as const,
      secret: { clientId: provider.tokens.clientId, clientSecret: provider.tokens.clientSecret, ...provider.tokens.grant() },
    };
    provider.tokens.expireAccessTokensAfter(1);
    const failure = await sharepoint
      .openSource(directReadContext(sharepointConfigSchema.parse({ urls: [provider.siteUrl], graphUrl: provider.url }), { credential }))
      .read(null)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceHttpError);
    expect(failure).toMatchObject({
      status: 401,
      message: expect.stringMatching(
        /^SharePoint \(\/v1\.0\/sites\/[^)]+\/drives\) answered 401 InvalidAuthenticationToken: Access token has expired or is not yet valid\.$/,
      ),
    });
  });

  function openReader(type: 'sharepoint' | 'onedrive', urls: string[], start: { sourceCursor?: string; since?: string } = {}): Source {
    const credential = {
      kind: 'oauth2' as const,
      secret: { clientId: provider.tokens.clientId, clientSecret: provider.tokens.clientSecret, ...provider.tokens.grant() },
    };
    const source =
      type === 'sharepoint'
        ? sharepoint.openSource(directReadContext(sharepointConfigSchema.parse({ urls, graphUrl: provider.url }), { credential, ...start }))
        : onedrive.openSource(directReadContext(onedriveConfigSchema.parse({ urls, graphUrl: provider.url }), { credential, ...start }));
    return source;
  }
});

async function listIds(source: Source): Promise<string[]> {
  const ids: string[] = [];
  for await (const batch of source.listIds?.() ?? []) ids.push(...batch);
  return ids;
}
