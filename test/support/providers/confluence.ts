import type { ServerResponse } from 'node:http';
import { startLocalServer, type RecordedRequest } from '../http-server.ts';
import { parseQuery, type FieldValue, type QueryLanguage } from './atlassian-query.ts';
import { createProviderFaults, type Fault } from './faults.ts';
import type { ExpectedDocument, SaasProvider, SourceScenario } from './saas-provider.ts';
import { createTokenIssuer } from './token-issuer.ts';

/** The server caps `limit` this low so a handful of seeded pages spans several `_links.next`-paged pages. */
const MAX_LIMIT = 2;
const CONTEXT_PATH = '/wiki';
const REFUSED = 'Client must be authenticated to access this resource.';

interface Content {
  id: string;
  type: 'page' | 'blogpost';
  space: string;
  title: string;
  /** The body in storage format. */
  storage: string;
  parentId: string | null;
  labels: string[];
  author: string;
  lastEditor: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface NewContent {
  type?: 'page' | 'blogpost';
  space: string;
  title: string;
  storage: string;
  parentId?: string;
  labels?: string[];
  /** When it was created and last modified; now by default. */
  at?: string;
}

export interface ConfluenceProvider extends SaasProvider {
  /** Adds a page or blog post and returns its id. */
  addContent(content: NewContent): string;
  /** Edits content as a user would: a new version by another author, modified now. */
  changeContent(id: string, change: { title?: string; storage?: string; labels?: string[] }): void;
  /** Moves content to the trash, where searches no longer find it. */
  deleteContent(id: string): void;
  contentId(title: string): string;
  /** The document a sync must store for this content as it is now. */
  expectedDocument(id: string, contains: string[]): ExpectedDocument;
}

/**
 * A local Confluence Cloud REST API v1 under the `/wiki` context path: the space list (for the
 * connection check) and the CQL content search with its expansions, paged by a cursor in
 * `_links.next` relative to the context path; and Atlassian's OAuth token endpoint. CQL dates are
 * read in UTC, the time zone of this instance's user. A refused credential answers 401 as Atlassian does.
 */
export async function startConfluenceProvider(): Promise<ConfluenceProvider> {
  const contents = new Map<string, Content>();
  const spaces = new Map<string, string>();
  const tokens = createTokenIssuer('ATATT');
  const faults = createProviderFaults();
  let nextId = 98_300;

  const server = await startLocalServer(async (request, response) => {
    if (request.path === '/oauth/token') return tokens.answerTokenRequest(request, response);
    const fault = await faults.next();
    if (fault) return answerFault(response, fault);
    const refusal = refusalOf(request);
    if (refusal) return refusal(response);
    const url = new URL(request.path, 'http://local');
    if (url.pathname === `${CONTEXT_PATH}/rest/api/space`) return listSpaces(response);
    if (url.pathname === `${CONTEXT_PATH}/rest/api/content/search`) return search(response, url);
    return confluenceError(response, 404, `No resource at ${url.pathname}`);
  });
  const base = `${server.url}${CONTEXT_PATH}`;

  /** Atlassian answers a refused API token with plain text, and its OAuth gateway with JSON. */
  function refusalOf(request: RecordedRequest): ((response: ServerResponse) => void) | undefined {
    const authorization = request.headers.authorization;
    const basicUser = authorization?.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':')[0] : undefined;
    if (tokens.check(authorization) === 'valid' && (basicUser === undefined || basicUser === tokens.email)) return undefined;
    if (authorization?.startsWith('Bearer ')) return (response) => json(response, 401, { code: 401, message: 'Unauthorized' });
    return (response) => {
      response.writeHead(401, { 'content-type': 'text/html;charset=UTF-8', 'www-authenticate': 'OAuth realm="https%3A%2F%2Fexample.atlassian.net"' });
      response.end(REFUSED);
    };
  }

  function listSpaces(response: ServerResponse): void {
    const results = [...spaces].map(([key, name], index) => ({ id: index + 1, key, name, type: 'global', status: 'current' }));
    json(response, 200, { results, start: 0, limit: 25, size: results.length, _links: { base, context: CONTEXT_PATH, self: `${base}/rest/api/space` } });
  }

  function search(response: ServerResponse, url: URL): void {
    const cql = url.searchParams.get('cql') ?? '';
    let where: (facts: Facts) => boolean;
    try {
      where = cqlFilter(cql);
    } catch (error) {
      return confluenceError(response, 400, `Could not parse cql : ${cql} (${(error as Error).message})`);
    }
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 25), MAX_LIMIT);
    const cursor = url.searchParams.get('cursor');
    const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8')) : 0;
    const expand = new Set((url.searchParams.get('expand') ?? '').split(',').filter(Boolean));
    const matching = [...contents.values()].filter((content) => where(facts(content))).sort((a, b) => Number(a.id) - Number(b.id));
    const results = matching.slice(start, start + limit).map((content) => shaped(content, expand));
    const links: Record<string, string> = { base, context: CONTEXT_PATH, self: `${base}/rest/api/content/search?cql=${encodeURIComponent(cql)}` };
    if (start + limit < matching.length) {
      const next = new URLSearchParams({ next: 'true', cursor: Buffer.from(String(start + limit)).toString('base64url') });
      if (expand.size > 0) next.set('expand', [...expand].join(','));
      next.set('limit', String(limit));
      next.set('start', String(start + limit));
      next.set('cql', cql);
      links.next = `/rest/api/content/search?${next.toString()}`;
    }
    json(response, 200, { results, start, limit, size: results.length, totalSize: matching.length, cqlQuery: cql, searchDuration: 12, _links: links });
  }

  function ancestorsOf(content: Content): Content[] {
    const chain: Content[] = [];
    for (
      let parent = content.parentId ? contents.get(content.parentId) : undefined;
      parent;
      parent = parent.parentId ? contents.get(parent.parentId) : undefined
    ) {
      chain.unshift(parent);
    }
    return chain;
  }

  function facts(content: Content): Facts {
    return {
      id: [content.id],
      type: [content.type],
      space: [content.space],
      'space.key': [content.space],
      title: [content.title],
      label: content.labels,
      ancestor: ancestorsOf(content).map((ancestor) => ancestor.id),
      lastmodified: [Date.parse(content.updatedAt)],
      created: [Date.parse(content.createdAt)],
    };
  }

  function webUiOf(content: Content): string {
    const slug = encodeURIComponent(content.title).replace(/%20/g, '+');
    if (content.type === 'page') return `/spaces/${content.space}/pages/${content.id}/${slug}`;
    return `/spaces/${content.space}/blog/${content.createdAt.slice(0, 10).replace(/-/g, '/')}/${content.id}/${slug}`;
  }

  const user = (name: string) => ({
    type: 'known',
    accountId: `5b10ac8d82e05b22cc7d${name.length}`,
    accountType: 'atlassian',
    displayName: name,
    publicName: name,
  });

  /** A search result as Confluence shapes it: the expanded parts in full, the others as `_expandable` links. */
  function shaped(content: Content, expand: Set<string>): Record<string, unknown> {
    const self = `${base}/rest/api/content/${content.id}`;
    const result: Record<string, unknown> = {
      id: content.id,
      type: content.type,
      status: 'current',
      title: content.title,
      macroRenderedOutput: {},
      extensions: { position: Number(content.id) % 1000 },
      _expandable: { container: `/rest/api/space/${content.space}`, children: `/rest/api/content/${content.id}/child` },
      _links: { webui: webUiOf(content), editui: `/pages/resumedraft.action?draftId=${content.id}`, tinyui: `/x/${content.id}`, self },
    };
    if (expand.has('space')) result.space = { id: 1, key: content.space, name: spaces.get(content.space), type: 'global', status: 'current' };
    if (expand.has('history')) result.history = { latest: true, createdBy: user(content.author), createdDate: content.createdAt };
    if (expand.has('version')) {
      result.version = {
        by: user(content.lastEditor),
        when: content.updatedAt,
        friendlyWhen: 'just a moment ago',
        message: '',
        number: content.version,
        minorEdit: false,
      };
    }
    if (expand.has('ancestors'))
      result.ancestors = ancestorsOf(content).map((ancestor) => ({ id: ancestor.id, type: ancestor.type, status: 'current', title: ancestor.title }));
    if (expand.has('body.storage')) result.body = { storage: { value: content.storage, representation: 'storage', embeddedContent: [] } };
    if (expand.has('metadata.labels')) {
      const labels = content.labels.map((name, index) => ({ prefix: 'global', name, id: String(index + 1), label: name }));
      result.metadata = { labels: { results: labels, start: 0, limit: 200, size: labels.length } };
    }
    return result;
  }

  function answerFault(response: ServerResponse, fault: Fault): void {
    if (fault.kind === 'serverError') return confluenceError(response, fault.status, 'Internal Server Error');
    response.writeHead(429, {
      'content-type': 'application/json',
      'retry-after': String(fault.retryAfterSeconds),
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
      'ratelimit-reason': 'confluence-quota-global-based',
    });
    response.end(JSON.stringify({ statusCode: 429, message: 'Rate limit exceeded' }));
  }

  const contentOf = (id: string) => {
    const content = contents.get(id);
    if (!content) throw new Error(`no content ${id}`);
    return content;
  };

  const provider: ConfluenceProvider = {
    url: base,
    tokenUrl: `${server.url}/oauth/token`,
    requests: server.requests,
    tokens,
    faults,
    addContent(input) {
      if (!spaces.has(input.space)) spaces.set(input.space, `${input.space} space`);
      const id = String(nextId++);
      const at = input.at ?? new Date().toISOString();
      contents.set(id, {
        id,
        type: input.type ?? 'page',
        space: input.space,
        title: input.title,
        storage: input.storage,
        parentId: input.parentId ?? null,
        labels: input.labels ?? [],
        author: 'Grace Hopper',
        lastEditor: 'Grace Hopper',
        createdAt: at,
        updatedAt: at,
        version: 1,
      });
      return id;
    },
    changeContent(id, change) {
      const content = contentOf(id);
      if (change.title !== undefined) content.title = change.title;
      if (change.storage !== undefined) content.storage = change.storage;
      if (change.labels !== undefined) content.labels = change.labels;
      content.lastEditor = 'Alan Turing';
      content.version += 1;
      // Milliseconds: a change made right after a sync must fall after its start.
      content.updatedAt = new Date().toISOString();
    },
    deleteContent(id) {
      contentOf(id);
      contents.delete(id);
    },
    contentId(title) {
      const found = [...contents.values()].find((content) => content.title === title);
      if (!found) throw new Error(`no content titled ${title}`);
      return found.id;
    },
    expectedDocument(id, contains) {
      const content = contentOf(id);
      return {
        externalId: id,
        title: content.title,
        url: `${base}${webUiOf(content)}`,
        contains,
        metadata: {
          type: content.type,
          space: content.space,
          breadcrumb: ancestorsOf(content)
            .map((ancestor) => ancestor.title)
            .join(' / '),
          labels: content.labels.join(','),
          author: content.author,
          version: String(content.version),
          updated: content.updatedAt,
        },
      };
    },
    close: () => server.close(),
  };
  return provider;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Confluence's REST error body. */
function confluenceError(response: ServerResponse, status: number, message: string): void {
  json(response, status, { statusCode: status, data: { authorized: false, valid: true, errors: [], successful: false }, message });
}

/** A content's values per CQL field, dates as epoch ms; a clause holds when any value matches. */
type Facts = Record<string, FieldValue[]>;

const CQL_FIELDS = new Set(['id', 'type', 'space', 'space.key', 'title', 'label', 'ancestor', 'lastmodified', 'created']);
const DATE_FIELDS = new Set(['lastmodified', 'created']);

/** CQL as this instance reads it: text to the letter, and dates in UTC, its user's time zone. */
const CQL: QueryLanguage<Facts> = {
  field(name) {
    if (!CQL_FIELDS.has(name)) throw new Error(`unknown field ${name}`);
    return (facts) => facts[name] ?? [];
  },
  operators: (field) => (DATE_FIELDS.has(field) ? ['=', '>=', '>', '<=', '<', 'in', 'not in'] : ['=', '!=', '~', 'in', 'not in']),
  dateFields: DATE_FIELDS,
  utcOffset: 'Z',
  compareText: (a, b) => (a === b ? 0 : a < b ? -1 : 1),
  errors: {
    ended: 'unexpected end',
    expected: (word) => `expected ${word}`,
    unexpected: (token) => `unexpected ${token}`,
    operator: (operator, field) => (DATE_FIELDS.has(field) ? `operator ${operator} on ${field}` : `operator ${operator}`),
    date: (operand) => `bad date ${operand}`,
  },
};

/** Whether a content's facts match a CQL query; its `order by` is accepted and ignored, as results come in id order. */
function cqlFilter(cql: string): (facts: Facts) => boolean {
  const { where } = parseQuery(cql, CQL);
  // CQL has no query without a restriction: an empty one ends too early.
  if (!where) throw new Error(CQL.errors.ended);
  return where;
}

/** The seeded content, by title, with fragments each document's text must hold. */
const SEEDED: Array<NewContent & { parent?: string; contains: string[] }> = [
  {
    space: 'ENG',
    title: 'Engineering Home',
    storage: '<h1>Engineering</h1><p>Welcome to the <strong>engineering</strong> space.</p>',
    labels: ['home'],
    contains: ['Welcome to the engineering space.'],
  },
  {
    space: 'ENG',
    title: 'Runbooks',
    parent: 'Engineering Home',
    storage: '<p>Every runbook lives under this page.</p><ac:structured-macro ac:name="children" ac:schema-version="2" />',
    contains: ['Every runbook lives under this page.'],
  },
  {
    space: 'ENG',
    title: 'Search service runbook',
    parent: 'Runbooks',
    labels: ['runbook', 'search'],
    storage:
      '<h2>Restart</h2><ac:structured-macro ac:name="code" ac:schema-version="1"><ac:parameter ac:name="language">bash</ac:parameter>' +
      '<ac:plain-text-body><![CDATA[systemctl restart search && curl -s localhost:9200/_health]]></ac:plain-text-body></ac:structured-macro>' +
      '<p>Then follow <ac:link><ri:page ri:content-title="Deploy guide" /><ac:plain-text-link-body><![CDATA[the deploy checklist]]></ac:plain-text-link-body></ac:link>.</p>',
    contains: ['Restart', 'systemctl restart search && curl -s localhost:9200/_health', 'Then follow the deploy checklist.'],
  },
  {
    space: 'ENG',
    title: 'Architecture',
    parent: 'Engineering Home',
    labels: ['design'],
    storage: '<table><tbody><tr><th>Service</th><th>Owner</th></tr><tr><td>search</td><td>team-find</td></tr></tbody></table>',
    contains: ['Service', 'team-find'],
  },
  {
    type: 'blogpost',
    space: 'ENG',
    title: 'Release 2.0 is out',
    storage: '<p>Version 2.0 ships <em>faster</em> indexing.</p>',
    labels: ['release'],
    contains: ['Version 2.0 ships faster indexing.'],
  },
  { space: 'OPS', title: 'Operations Home', storage: '<p>How operations works.</p>', contains: ['How operations works.'] },
  {
    space: 'OPS',
    title: 'On-call rotation',
    parent: 'Operations Home',
    labels: ['oncall'],
    storage: '<ul><li>Week 1: Ada</li><li>Week 2: Linus</li></ul>',
    contains: ['Week 1: Ada', 'Week 2: Linus'],
  },
  {
    type: 'blogpost',
    space: 'OPS',
    title: 'Incident review: May outage',
    storage: '<ac:structured-macro ac:name="info"><ac:rich-text-body><p>The disk filled up.</p></ac:rich-text-body></ac:structured-macro>',
    contains: ['The disk filled up.'],
  },
];

/** Content of a space the scenario does not select. */
const OUTSIDE: NewContent = { space: 'HR', title: 'Vacation policy', storage: '<p>Thirty days a year.</p>' };

/** A provider seeded with the spaces ENG and OPS (eight pages and blog posts, modified in 2024) and HR (one page). */
export async function seededConfluenceProvider(): Promise<ConfluenceProvider> {
  const provider = await startConfluenceProvider();
  SEEDED.forEach((seed, index) => {
    const at = new Date(Date.UTC(2024, 4, 1 + index, 9, 30)).toISOString();
    provider.addContent({ ...seed, at, ...(seed.parent ? { parentId: provider.contentId(seed.parent) } : {}) });
  });
  provider.addContent({ ...OUTSIDE, at: '2024-06-01T08:00:00.000Z' });
  return provider;
}

export const confluenceScenario: SourceScenario<ConfluenceProvider> = {
  type: 'confluence',
  start: seededConfluenceProvider,
  config: (provider) => ({ instanceUrl: provider.url, spaceKeys: ['ENG', 'OPS'] }),
  tokenCredential: (provider) => ({ kind: 'api_token', secret: { token: provider.tokens.apiToken, email: provider.tokens.email } }),
  seeded: (provider) => SEEDED.map((seed) => provider.expectedDocument(provider.contentId(seed.title), seed.contains)),
  isListingPage: (request) => request.path.startsWith(`${CONTEXT_PATH}/rest/api/content/search?`) && request.path.includes('body.storage'),
  change(provider) {
    const runbook = provider.contentId('Search service runbook');
    const rotation = provider.contentId('On-call rotation');
    provider.changeContent(runbook, { storage: '<p>Restart with <code>search-ctl restart</code> now.</p>' });
    provider.changeContent(rotation, { title: 'On-call rotation 2025', labels: ['oncall', 'schedule'] });
    const added = provider.addContent({
      space: 'ENG',
      title: 'Database failover',
      parentId: provider.contentId('Runbooks'),
      labels: ['runbook'],
      storage: '<p>Promote the replica.</p>',
    });
    const deleted = provider.contentId('Architecture');
    provider.deleteContent(deleted);
    return {
      changed: [provider.expectedDocument(runbook, ['Restart with search-ctl restart now.']), provider.expectedDocument(rotation, ['Week 2: Linus'])],
      added: provider.expectedDocument(added, ['Promote the replica.']),
      deleted,
    };
  },
  revokedReason: REFUSED,
};
