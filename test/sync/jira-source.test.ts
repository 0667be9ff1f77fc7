import { afterEach, describe, expect, it } from 'vitest';
import { SourceHttpError } from '../../connectors/http/source-errors.ts';
import { adfToText, type AdfNode } from '../../connectors/jira/adf-text.ts';
import { jira, jiraConfigSchema } from '../../connectors/jira/index.ts';
import { searchJql, selectionOf, updatedSince } from '../../connectors/jira/jql.ts';
import type { Source, SourceDocument } from '../../connectors/source.ts';
import { directReadContext, readEveryPage } from '../support/read-context.ts';
import { describeSourceConformance } from '../support/source-conformance.ts';
import { jiraScenario, jiraUsers, seededJiraProvider, type JiraProvider } from '../support/providers/jira.ts';

describeSourceConformance(jiraScenario, 'postgres');

describe('the Jira reader', () => {
  let provider: JiraProvider | undefined;
  afterEach(async () => {
    await provider?.close();
    provider = undefined;
  });

  it('turns ADF into plain text: headings, paragraphs, nested lists, code, quotes, mentions, links, cards and tables', () => {
    const doc: AdfNode = node('doc', [
      node('heading', [text('Plan')], { level: 1 }),
      node('paragraph', [
        text('Ask '),
        node('mention', [], { id: 'abc', text: '@Jane Doe' }),
        text(' about '),
        text('the docs', [{ type: 'link', attrs: { href: 'https://docs.example.com' } }]),
        node('hardBreak'),
        text('then '),
        node('inlineCard', [], { url: 'https://example.atlassian.net/browse/TECH-9' }),
        text(' '),
        node('status', [], { text: 'BLOCKED' }),
        text(' '),
        node('emoji', [], { shortName: ':smile:', text: '😄' }),
      ]),
      node('orderedList', [
        node('listItem', [node('paragraph', [text('Build')]), node('bulletList', [node('listItem', [node('paragraph', [text('with tests')])])])]),
        node('listItem', [node('paragraph', [text('Ship')])]),
      ]),
      node('codeBlock', [text('npm ci\nnpm test')], { language: 'shell' }),
      node('blockquote', [node('paragraph', [text('Keep it simple.')])]),
      node('table', [node('tableRow', [node('tableHeader', [node('paragraph', [text('Name')])]), node('tableCell', [node('paragraph', [text('Role')])])])]),
      node('mediaSingle', [node('media', [], { id: 'file', type: 'file' })]),
    ]);
    expect(adfToText(doc)).toBe(
      [
        'Plan',
        'Ask @Jane Doe about the docs (https://docs.example.com)\nthen https://example.atlassian.net/browse/TECH-9 BLOCKED 😄',
        '1. Build\n   - with tests\n2. Ship',
        'npm ci\nnpm test',
        '> Keep it simple.',
        'Name | Role',
      ].join('\n\n'),
    );
  });

  it('writes the since date in the account’s time zone a minute early, or 12 hours early in UTC when the zone is unknown', () => {
    expect(updatedSince('2025-06-01T15:30:20.000Z', 'America/Bogota')).toBe('updated >= "2025-06-01 10:29"');
    expect(updatedSince('2025-06-01T15:30:20.000Z', 'Asia/Tokyo')).toBe('updated >= "2025-06-02 00:29"');
    expect(updatedSince('2025-06-01T15:30:20.000Z', undefined)).toBe('updated >= "2025-06-01 03:29"');
  });

  it('replaces the JQL’s own ORDER BY with key order, leaving quoted text alone, and ANDs the project to it', () => {
    expect(searchJql(selectionOf({ jql: 'summary ~ "order by" ORDER BY rank', projectKey: 'TECH' }))).toBe(
      '((summary ~ "order by") AND (project = "TECH")) ORDER BY key ASC',
    );
    expect(searchJql(selectionOf({}))).toBe('created IS NOT EMPTY ORDER BY key ASC');
  });

  it('falls back to Data Center’s /rest/api/2/search with startAt paging when the enhanced search answers 404, keeping wiki markup', async () => {
    provider = await seededJiraProvider({ dialect: 'dataCenter' });
    const pages = await readEveryPage(openReader(provider, { projectKey: 'TECH' }));
    const documents = pages.flatMap((page) => page.documents);
    expect(documents.map((document) => document.externalId)).toEqual(['TECH-1', 'TECH-2', 'TECH-3', 'TECH-4', 'TECH-5', 'TECH-6', 'TECH-7', 'TECH-8']);
    // The first page found the dialect; the checkpoints after it ask Data Center's search directly, and hold no URL.
    expect(pages.map((page) => page.next)).toEqual([
      { phase: 'selected', dialect: 'dataCenter', changed: null, token: null, startAt: 3 },
      { phase: 'selected', dialect: 'dataCenter', changed: null, token: null, startAt: 6 },
      null,
    ]);
    const searches = provider.requests.filter((request) => request.path.startsWith('/rest/api/'));
    expect(searches.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /rest/api/3/search/jql',
      'POST /rest/api/2/search',
      'GET /rest/api/2/issue/TECH-1/comment?startAt=2&maxResults=100',
      'POST /rest/api/2/search',
      'POST /rest/api/2/search',
    ]);
    expect(searches.filter((request) => request.path === '/rest/api/2/search').map((request) => JSON.parse(request.body).startAt)).toEqual([0, 3, 6]);
    const first = documents[0] as SourceDocument;
    expect(first.body).toContain('h2. Symptoms\nQueries take seconds; see [the runbook|https://wiki.example.com/runbook]. Reported by [~jane].');
    expect(first.body).toContain('Comment by Jane Doe on');
    expect(first.body).toContain('The index was missing.');
  });

  it('follows children and parents outside the JQL, leaves out blacklisted authors’ comments and lists attachments by name', async () => {
    provider = await seededJiraProvider();
    const config = {
      jql: 'project = TECH AND issuetype in (Bug, Epic, Story) ORDER BY created DESC',
      commentEmailBlacklist: ['Noisy-Bot@example.com'],
      includeAttachments: true,
      searchChildrenIssues: true,
      searchParentIssues: true,
    };
    const documents = (await readEveryPage(openReader(provider, config))).flatMap((page) => page.documents);
    // TECH-8 and OPS-2 are children of TECH-1 and TECH-3; OPS-1 is TECH-2's parent; OPS-3 is unrelated.
    expect(documents.map((document) => document.externalId).sort()).toEqual(['OPS-1', 'OPS-2', 'TECH-1', 'TECH-2', 'TECH-3', 'TECH-8']);
    const bug = documents.find((document) => document.externalId === 'TECH-1') as SourceDocument;
    expect(bug.body).toContain('Reproduced on 1.2.');
    expect(bug.body).not.toContain('Build 4711 failed.');
    expect(bug.metadata).toMatchObject({ attachments: 'trace.log,screenshot.png', labels: 'bug,search', assignee: 'Jane Doe' });
    const searched = provider.requests.filter((request) => request.path === '/rest/api/3/search/jql').map((request) => JSON.parse(request.body).jql);
    expect(searched).toContain('((project = TECH AND issuetype in (Bug, Epic, Story))) ORDER BY key ASC');

    const ids = [];
    for await (const batch of openReader(provider, config).listIds?.() ?? []) ids.push(...batch);
    expect(ids.sort()).toEqual(['OPS-1', 'OPS-2', 'TECH-1', 'TECH-2', 'TECH-3', 'TECH-8']);
  });

  it('reads incrementally only the changed selected issues, then the changed relatives of every selected one', async () => {
    provider = await seededJiraProvider();
    const since = new Date(Date.now() - 5 * 60_000).toISOString();
    provider.changeIssue('OPS-2', { summary: 'Search capacity plan for 2026' });
    provider.changeIssue('TECH-2', { comment: { author: jiraUsers.sam, text: 'Designs are ready.' } });
    provider.changeIssue('OPS-3', { summary: 'Rotate keys monthly' });
    const config = { projectKey: 'TECH', searchChildrenIssues: true, searchParentIssues: true };
    const pages = await readEveryPage(openReader(provider, config, since));
    expect(pages.map((page) => page.documents.map((document) => document.externalId))).toEqual([['TECH-2'], ['OPS-2'], [], []]);
    expect(pages[0]?.next).toMatchObject({ phase: 'related', dialect: 'cloud', changed: updatedSince(since, 'America/Bogota') });
    const myself = provider.requests.filter((request) => request.path === '/rest/api/2/myself');
    expect(myself).toHaveLength(1);
    const first = provider.requests.find((request) => request.path === '/rest/api/3/search/jql');
    expect(JSON.parse(first?.body ?? '{}').jql).toBe(`((project = "TECH")) AND (${updatedSince(since, 'America/Bogota')}) ORDER BY key ASC`);
  });

  it('stops with Jira’s reason when the JQL is refused', async () => {
    provider = await seededJiraProvider();
    const failure = await openReader(provider, { jql: 'colour = blue' })
      .read(null)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceHttpError);
    expect(failure).toMatchObject({ status: 400 });
    expect((failure as Error).message).toContain("Field 'colour' does not exist or you do not have permission to view it.");
  });
});

function openReader(provider: JiraProvider, config: Record<string, unknown>, since: string | null = null): Source {
  const credential = { kind: 'api_token' as const, secret: { token: provider.tokens.apiToken, email: provider.tokens.email } };
  const source = jira.openSource(directReadContext(jiraConfigSchema.parse({ baseUrl: provider.url, ...config }), { credential, since }));
  return source;
}

function node(type: string, content: AdfNode[] = [], attrs?: Record<string, unknown>): AdfNode {
  return { type, content, ...(attrs ? { attrs } : {}) };
}

function text(value: string, marks?: AdfNode['marks']): AdfNode {
  return { type: 'text', text: value, ...(marks ? { marks } : {}) };
}
