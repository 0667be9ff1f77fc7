import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceHttpError } from '../../connectors/http/source-errors.ts';
import { blockSchema } from '../../connectors/notion/api.ts';
import { blocksToText, type BlockNode } from '../../connectors/notion/blocks-text.ts';
import { notion, notionConfigSchema } from '../../connectors/notion/index.ts';
import type { Source } from '../../connectors/source.ts';
import { directReadContext, readEveryPage } from '../support/read-context.ts';
import { describeSourceConformance } from '../support/source-conformance.ts';
import { notionScenario, startNotionProvider, type NotionProvider } from '../support/providers/notion.ts';

describeSourceConformance(notionScenario, 'sqlite');

describe('the Notion reader', () => {
  let provider: NotionProvider;

  beforeAll(async () => {
    provider = await startNotionProvider();
  });
  afterAll(async () => {
    await provider?.close();
  });

  it('turns a block tree into Markdown: headings, lists, to-dos, code, quotes, callouts, tables and toggles, but no sub-page', () => {
    const tree = [
      node('heading_2', { rich_text: text('Setup') }),
      node('paragraph', { rich_text: [...text('Install '), ...text('it')] }),
      node('bulleted_list_item', { rich_text: text('Laptop') }, [node('bulleted_list_item', { rich_text: text('Charger') })]),
      node('numbered_list_item', { rich_text: text('Clone') }),
      node('numbered_list_item', { rich_text: text('Build') }),
      node('to_do', { rich_text: text('Done'), checked: true }),
      node('to_do', { rich_text: text('Open'), checked: false }),
      node('code', { rich_text: text('npm ci\nnpm test'), language: 'shell' }),
      node('quote', { rich_text: text('Keep it simple.') }),
      node('callout', { rich_text: text('Careful.'), icon: { type: 'emoji', emoji: '⚠️' } }),
      node('table', { table_width: 2 }, [
        node('table_row', { cells: [text('Name'), text('Role')] }),
        node('table_row', { cells: [text('Ada'), text('Lead')] }),
      ]),
      node('toggle', { rich_text: text('More') }, [node('paragraph', { rich_text: text('Hidden detail.') })]),
      node('child_page', { title: 'A sub-page' }),
      node('numbered_list_item', { rich_text: text('Restart') }),
    ];
    expect(blocksToText(tree)).toBe(
      [
        '## Setup',
        'Install it',
        '- Laptop\n  - Charger\n1. Clone\n2. Build\n- [x] Done\n- [ ] Open',
        '```shell\nnpm ci\nnpm test\n```',
        '> Keep it simple.',
        '> ⚠️ Careful.',
        'Name | Role\nAda | Lead',
        'More\n\nHidden detail.',
        '1. Restart',
      ].join('\n\n'),
    );
  });

  it('reads only the root pages and what lies under them, through sub-pages, databases and their rows', async () => {
    const { ids } = provider;
    const underOnboarding = await readAll(openReader({ rootPageIds: [ids.onboarding.replaceAll('-', '').toUpperCase()] }));
    expect(underOnboarding.map((document) => document.externalId).sort()).toEqual([ids.onboarding, ids.deployGuide].sort());

    const underHandbook = openReader({ rootPageIds: [ids.handbook] });
    expect((await readAll(underHandbook)).map((document) => document.externalId).sort()).toEqual(
      [ids.handbook, ids.onboarding, ids.deployGuide, ids.loginBug, ids.releaseNotes, ids.offsite].sort(),
    );
    const listed = [];
    for await (const batch of underHandbook.listIds?.() ?? []) listed.push(...batch);
    expect(listed).not.toContain(ids.meetingNotes);
    expect(listed).toHaveLength(6);
  });

  it('sends Notion-Version and the bearer token on every request, and pages block children by start_cursor', async () => {
    const before = provider.requests.length;
    await readAll(openReader({}));
    const requests = provider.requests.slice(before);
    for (const request of requests) {
      expect(request.headers['notion-version']).toBe('2022-06-28');
      expect(request.headers.authorization).toBe(`Bearer ${provider.tokens.apiToken}`);
    }
    const handbookBlocks = requests.filter((request) => request.path.startsWith(`/v1/blocks/${provider.ids.handbook}/children`));
    expect(handbookBlocks.map((request) => new URL(request.path, provider.url).searchParams.has('start_cursor'))).toEqual([false, true, true, true]);
    // Sub-pages are their own documents: their blocks are read once, for them.
    expect(requests.filter((request) => request.path.startsWith(`/v1/blocks/${provider.ids.onboarding}/children`))).toHaveLength(1);
  });

  it('stops an incremental read at the first page edited before the minute the last sync began', async () => {
    provider.appendParagraph(provider.ids.offsite, 'Venue booked.');
    const edited = Date.parse(provider.expected().find((document) => document.externalId === provider.ids.offsite)?.metadata.updated ?? '');
    // A sync that began later in the minute of the edit: Notion's minute-rounded times cannot tell the two apart.
    const since = new Date(Math.floor(edited / 60_000) * 60_000 + 59_999).toISOString();
    const before = provider.requests.length;
    const page = await openReader({}, since).read(null);
    expect(page.documents.map((document) => document.externalId)).toEqual([provider.ids.offsite]);
    expect(page.next).toBeNull();
    expect(provider.requests.slice(before).filter((request) => request.path === '/v1/search')).toHaveLength(1);
  });

  it('says that a root page is not shared with the integration when the credential is checked', async () => {
    const missing = '0f4e6a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b';
    const result = await notion.check(
      directReadContext(notionConfigSchema.parse({ apiUrl: provider.url, rootPageIds: [missing] }), { credential: credential() }),
    );
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('object_not_found') });
  });

  it('fails with Notion’s code and message, as a 401 the sync treats as a refused credential, when the token is revoked', async () => {
    provider.tokens.revokeAll();
    const failure = await openReader({})
      .read(null)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceHttpError);
    expect(failure).toMatchObject({ status: 401, message: 'Notion answered 401 unauthorized: API token is invalid.' });
  });

  function openReader(config: { rootPageIds?: string[] }, since: string | null = null): Source {
    const source = notion.openSource(directReadContext(notionConfigSchema.parse({ apiUrl: provider.url, ...config }), { credential: credential(), since }));
    return source;
  }

  function credential() {
    return { kind: 'api_token' as const, secret: { token: provider.tokens.apiToken } };
  }
});

async function readAll(source: Source) {
  return (await readEveryPage(source)).flatMap((page) => page.documents);
}

function node(type: string, payload: Record<string, unknown>, children: BlockNode[] = []): BlockNode {
  return {
    block: blockSchema.parse({ object: 'block', id: `${type}-${children.length}`, type, has_children: children.length > 0, [type]: payload }),
    children,
  };
}

function text(content: string) {
  return [{ type: 'text', text: { content, link: null }, plain_text: content, href: null }];
}
