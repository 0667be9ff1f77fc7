import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confluenceConfigSchema, type ConfluenceConfig } from '../../connectors/confluence/index.ts';
import { openConfluenceSource } from '../../connectors/confluence/source.ts';
import type { Checkpoint, ReadContext, Source, SourceDocument, SourcePage } from '../../connectors/source.ts';
import type { SyncLimits } from '../../config/limits.ts';
import { directReadContext, readEveryPage } from '../support/read-context.ts';
import { confluenceScenario, seededConfluenceProvider, type ConfluenceProvider } from '../support/providers/confluence.ts';
import { describeSourceConformance } from '../support/source-conformance.ts';

describeSourceConformance(confluenceScenario, 'sqlite');

/** The reader against a local Confluence: the CQL it sends, the text it makes of storage format, and what it leaves out. */
describe('the Confluence reader', () => {
  let provider: ConfluenceProvider;

  beforeAll(async () => {
    provider = await seededConfluenceProvider();
  });
  afterAll(async () => {
    await provider?.close();
  });

  const open = (config: Record<string, unknown>, options: { since?: string; limits?: Partial<SyncLimits> } = {}) =>
    openConfluenceSource(readContext(provider, confluenceConfigSchema.parse({ instanceUrl: provider.url, ...config }), options));

  const searchesSince = (from: number) => provider.requests.slice(from).filter((request) => request.path.startsWith('/wiki/rest/api/content/search?'));
  const cqlOf = (path: string) => new URL(path, provider.url).searchParams.get('cql');

  it('turns storage format into text: code macros, link labels, tables and panels, without macro parameters', async () => {
    const { documents } = await readAll(open({ spaceKeys: ['ENG', 'OPS'] }));
    const text = (title: string) => documents.find((document) => document.title === title)?.body;
    expect(text('Search service runbook')).toBe('Restart\n\nsystemctl restart search && curl -s localhost:9200/_health\n\nThen follow the deploy checklist.');
    expect(text('Runbooks')).toBe('Every runbook lives under this page.');
    expect(text('Architecture')).toMatch(/Service\s+Owner\nsearch\s+team-find/);
    expect(text('Incident review: May outage')).toBe('The disk filled up.');
    expect(documents.find((document) => document.title === 'Search service runbook')).toMatchObject({
      mimeType: 'text/plain',
      metadata: { space: 'ENG', type: 'page', breadcrumb: 'Engineering Home / Runbooks', labels: 'runbook,search', author: 'Grace Hopper', version: '1' },
      updatedAt: '2024-05-03T09:30:00.000Z',
    });
  });

  it('asks one CQL search for the spaces’ pages and blog posts and follows `_links.next` under the /wiki context path', async () => {
    const before = provider.requests.length;
    const { documents, checkpoints } = await readAll(open({ spaceKeys: ['ENG', 'OPS'] }));
    expect(documents).toHaveLength(8);
    const [first, ...rest] = searchesSince(before);
    expect(cqlOf(first?.path ?? '')).toBe('(space in ("ENG","OPS")) and type in (page, blogpost)');
    expect(new URL(first?.path ?? '', provider.url).searchParams.get('expand')).toBe('body.storage,ancestors,metadata.labels,version,history,space');
    expect(rest.length).toBeGreaterThanOrEqual(2);
    for (const request of rest) expect(request.path).toMatch(/^\/wiki\/rest\/api\/content\/search\?next=true&cursor=/);
    expect(first?.headers.authorization).toBe(`Basic ${Buffer.from(`${provider.tokens.email}:${provider.tokens.apiToken}`).toString('base64')}`);
    // Checkpoints keep the path and query only: no origin, no credential.
    for (const checkpoint of checkpoints) expect(String(checkpoint.page)).toMatch(/^\/wiki\/rest\/api\/content\/search\?/);
  });

  it('joins cql, pages and pagesWithChildren into one query, and uploadAllData reads every space', async () => {
    const home = provider.contentId('Engineering Home');
    const operations = provider.contentId('Operations Home');
    const selected = await readAll(
      open({
        cql: 'label = "runbook" order by created desc',
        pages: [`${provider.url}/spaces/ENG/pages/${home}/Engineering+Home`],
        pagesWithChildren: [operations],
      }),
    );
    expect(selected.documents.map((document) => document.title ?? '').sort((a, b) => a.localeCompare(b))).toEqual([
      'Engineering Home',
      'On-call rotation',
      'Operations Home',
      'Search service runbook',
    ]);

    const everything = await readAll(open({ uploadAllData: true }));
    expect(everything.documents.map((document) => document.metadata.space)).toContain('HR');
    expect(everything.documents).toHaveLength(9);
  });

  it('rejects a page reference that names no content', () => {
    const parsed = confluenceConfigSchema.safeParse({ instanceUrl: provider.url, pages: ['https://acme.atlassian.net/wiki/spaces/ENG/overview'] });
    expect(parsed.success).toBe(false);
  });

  it('holds back a page over the document limit as skipped, with the reason', async () => {
    const source = open({ spaceKeys: ['ENG'] }, { limits: { maxDocumentBytes: 200 } });
    const { documents, skipped } = await readAll(source);
    expect(skipped).toEqual([
      { externalId: provider.contentId('Search service runbook'), reason: expect.stringContaining('over the 200 bytes document limit') },
    ]);
    expect(documents).toHaveLength(4);
  });

  it('lists the ids of everything the selection holds, for pruning, without expanding bodies', async () => {
    const before = provider.requests.length;
    const ids: string[] = [];
    for await (const batch of open({ spaceKeys: ['ENG', 'OPS'] }).listIds?.() ?? []) ids.push(...batch);
    expect(ids.sort()).toEqual(
      confluenceScenario
        .seeded(provider)
        .map((document) => document.externalId)
        .sort(),
    );
    expect(searchesSince(before).every((request) => !request.path.includes('expand='))).toBe(true);
  });

  it('reads incrementally what changed since, starting the CQL date 12 hours early since Confluence reads it in the user’s time zone', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    // Inside the widened CQL window, but before `since`: left out by its version date.
    provider.addContent({
      space: 'ENG',
      title: 'Edited this morning',
      storage: '<p>Old news.</p>',
      at: new Date(Date.parse(since) - 2 * 3_600_000).toISOString(),
    });
    provider.changeContent(provider.contentId('Release 2.0 is out'), { storage: '<p>Version 2.0.1 fixes indexing.</p>' });
    const before = provider.requests.length;
    const { documents } = await readAll(open({ spaceKeys: ['ENG', 'OPS'] }, { since }));
    expect(documents.map((document) => [document.title, document.body, document.metadata.version])).toEqual([
      ['Release 2.0 is out', 'Version 2.0.1 fixes indexing.', '2'],
    ]);
    const date = new Date(Date.parse(since) - 12 * 3_600_000 - 60_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(cqlOf(searchesSince(before)[0]?.path ?? '')).toBe(`(space in ("ENG","OPS")) and type in (page, blogpost) and lastmodified >= "${date}"`);
  });
});

/** Every page of a source from the start, with the checkpoints it handed back. */
async function readAll(source: Source): Promise<{ documents: SourceDocument[]; skipped: NonNullable<SourcePage['skipped']>; checkpoints: Checkpoint[] }> {
  const pages = await readEveryPage(source);
  return {
    documents: pages.flatMap((page) => page.documents),
    skipped: pages.flatMap((page) => page.skipped ?? []),
    checkpoints: pages.flatMap((page) => (page.next ? [page.next] : [])),
  };
}

/** A read context for calling the reader directly, with the local provider's API token. */
function readContext(
  provider: ConfluenceProvider,
  config: ConfluenceConfig,
  options: { since?: string; limits?: Partial<SyncLimits> },
): ReadContext<ConfluenceConfig> {
  const credential = { kind: 'api_token' as const, secret: { token: provider.tokens.apiToken, email: provider.tokens.email } };
  return directReadContext(config, { credential, since: options.since ?? null, ...(options.limits ? { limits: options.limits } : {}) });
}
