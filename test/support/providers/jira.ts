import type { ServerResponse } from 'node:http';
import type { AdfNode } from '../../../connectors/jira/adf-text.ts';
import { sendJson, startLocalServer, type RecordedRequest } from '../http-server.ts';
import { OPERATORS, parseQuery, type QueryLanguage } from './atlassian-query.ts';
import { createProviderFaults } from './faults.ts';
import type { ExpectedDocument, SaasProvider, SourceScenario } from './saas-provider.ts';
import { createTokenIssuer } from './token-issuer.ts';

/** The server caps page sizes this low so a handful of seeded issues spans several pages. */
const MAX_RESULTS = 3;
/** Comments a search embeds per issue; the rest come from the issue's comment listing. */
const EMBEDDED_COMMENTS = 2;
/** The account's time zone, in which JQL dates are read: west of UTC, so a date written in UTC would miss changes. */
const TIME_ZONE = { name: 'America/Bogota', offset: '-05:00' };

export interface JiraUser {
  displayName: string;
  emailAddress: string;
  accountId: string;
}

export const jiraUsers = {
  jane: { displayName: 'Jane Doe', emailAddress: 'jane@example.com', accountId: '5b10a2844c20165700ede21g' },
  sam: { displayName: 'Sam Lee', emailAddress: 'sam@example.com', accountId: '5b10ac8d82e05b22cc7d4ef5' },
  bot: { displayName: 'Build Bot', emailAddress: 'noisy-bot@example.com', accountId: '5b10ac8d82e05b22cc7d4aaa' },
} satisfies Record<string, JiraUser>;

/** A description or comment in both of Jira's forms: ADF for Cloud's v3 API, wiki markup for v2. */
export interface RichText {
  adf: AdfNode;
  wiki: string;
}

export interface JiraIssueInput {
  project: string;
  summary: string;
  description: string | RichText;
  status?: string;
  assignee?: JiraUser | null;
  labels?: string[];
  priority?: string;
  issuetype?: string;
  parent?: string;
  comments?: Array<{ author: JiraUser; text: string }>;
  attachments?: string[];
  /** Epoch ms; now when not given. */
  updated?: number;
}

export interface JiraIssueState extends Required<Omit<JiraIssueInput, 'description' | 'parent' | 'updated' | 'comments'>> {
  key: string;
  description: RichText;
  parent: string | undefined;
  reporter: JiraUser;
  comments: Array<{ id: string; author: JiraUser; body: RichText; created: number }>;
  created: number;
  updated: number;
}

export interface JiraProvider extends SaasProvider {
  /** `cloud` serves the enhanced JQL search; `dataCenter` answers it 404 and serves `/rest/api/2/search`. */
  dialect: 'cloud' | 'dataCenter';
  timeZone: string;
  issue(key: string): JiraIssueState;
  addIssue(input: JiraIssueInput): string;
  changeIssue(key: string, change: { summary?: string; description?: string; comment?: { author: JiraUser; text: string } }): void;
  deleteIssue(key: string): void;
}

/**
 * A local Jira REST API: Cloud's enhanced JQL search (`POST /rest/api/3/search/jql`, `nextPageToken`)
 * with ADF bodies, or Data Center's `/rest/api/2/search` (`startAt`/`total`) with wiki markup; issue
 * comment listings, `myself`, `serverInfo`, and Atlassian's token endpoint at `/oauth/token`. JQL is
 * evaluated for the clauses a reader sends. Errors are Jira's `{ errorMessages, errors }`.
 */
export async function startJiraProvider(options: { dialect?: 'cloud' | 'dataCenter' } = {}): Promise<JiraProvider> {
  const dialect = options.dialect ?? 'cloud';
  const tokens = createTokenIssuer('ATATT');
  const faults = createProviderFaults();
  const issues = new Map<string, JiraIssueState>();
  const counters = new Map<string, number>();
  let commentIds = 10_000;

  const server = await startLocalServer(async (request, response) => {
    const url = new URL(request.path, 'http://local');
    if (url.pathname === '/oauth/token') return tokens.answerTokenRequest(request, response);
    const fault = await faults.next();
    if (fault?.kind === 'rateLimit') {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds) });
      return response.end(JSON.stringify(jiraError('Rate limit exceeded.')));
    }
    if (fault) return sendJson(response, fault.status, jiraError('Service unavailable: please retry.'));
    const verdict = tokens.check(request.headers.authorization);
    // An expired OAuth token is refused by Atlassian's API gateway; any other refusal by Jira itself.
    if (verdict === 'expired') return sendJson(response, 401, { code: 401, message: 'Unauthorized' });
    if (verdict !== 'valid') return sendJson(response, 401, jiraError('Client must be authenticated to access this resource.'));
    return route(request, url, response);
  });

  function route(request: RecordedRequest, url: URL, response: ServerResponse): void {
    const path = url.pathname;
    if (path === '/rest/api/2/myself' || path === '/rest/api/3/myself') {
      return sendJson(response, 200, { ...jiraUsers.bot, displayName: 'Sync Bot', emailAddress: tokens.email, timeZone: TIME_ZONE.name, active: true });
    }
    if (path === '/rest/api/2/serverInfo') return sendJson(response, 200, { baseUrl: server.url, deploymentType: dialect === 'cloud' ? 'Cloud' : 'Server' });
    if (path === '/rest/api/3/search/jql' && dialect === 'cloud') return search(request, url, response, 'cloud');
    if (path === '/rest/api/2/search' && dialect === 'dataCenter') return search(request, url, response, 'dataCenter');
    if (path === '/rest/api/2/search') {
      return sendJson(response, 410, jiraError('The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.'));
    }
    const comments = /^\/rest\/api\/([23])\/issue\/([^/]+)\/comment$/.exec(path);
    if (comments && (comments[1] === '3') === (dialect === 'cloud')) {
      const issue = issues.get(decodeURIComponent(comments[2] as string));
      if (!issue) return sendJson(response, 404, jiraError('Issue does not exist or you do not have permission to see it.'));
      const startAt = Number(url.searchParams.get('startAt') ?? 0);
      const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 50), EMBEDDED_COMMENTS);
      return sendJson(response, 200, {
        startAt,
        maxResults,
        total: issue.comments.length,
        comments: issue.comments.slice(startAt, startAt + maxResults).map((comment) => commentJson(comment, comments[1] === '3' ? 'cloud' : 'dataCenter')),
      });
    }
    // Data Center's REST layer answers unknown resources in Jersey's shape.
    sendJson(response, 404, dialect === 'cloud' ? jiraError('Not found') : { message: `null for uri: ${server.url}${path}`, 'status-code': 404 });
  }

  function search(request: RecordedRequest, url: URL, response: ServerResponse, shape: 'cloud' | 'dataCenter'): void {
    // POST takes a JSON body, GET the same parameters in the query.
    const body = (request.method === 'POST' ? JSON.parse(request.body || '{}') : {}) as SearchBody;
    const query = url.searchParams;
    const fields = new Set(body.fields ?? (query.get('fields') ?? '').split(','));
    let found: JiraIssueState[];
    try {
      found = runJql(body.jql ?? query.get('jql') ?? '', [...issues.values()]);
    } catch (error) {
      return sendJson(response, 400, jiraError((error as Error).message));
    }
    const maxResults = Math.min(Number(body.maxResults ?? query.get('maxResults') ?? 50), MAX_RESULTS);
    let startAt = Number(body.startAt ?? query.get('startAt') ?? 0);
    if (shape === 'cloud') {
      const token = body.nextPageToken ?? query.get('nextPageToken');
      startAt = token
        ? Number(
            Buffer.from(token, 'base64url')
              .toString('utf8')
              .replace(/^offset:/, ''),
          )
        : 0;
      if (!Number.isInteger(startAt)) return sendJson(response, 400, jiraError('The provided next page token is invalid or expired.'));
    }
    const page = found.slice(startAt, startAt + maxResults).map((issue) => issueJson(issue, fields, shape));
    const more = startAt + maxResults < found.length;
    if (shape === 'dataCenter') return sendJson(response, 200, { expand: 'schema,names', startAt, maxResults, total: found.length, issues: page });
    sendJson(response, 200, {
      issues: page,
      ...(more ? { nextPageToken: Buffer.from(`offset:${startAt + maxResults}`).toString('base64url') } : {}),
      isLast: !more,
    });
  }

  function issueJson(issue: JiraIssueState, wanted: Set<string>, shape: 'cloud' | 'dataCenter'): Record<string, unknown> {
    const user = (person: JiraUser | null) => (person ? { ...person, active: true, timeZone: TIME_ZONE.name } : null);
    const all: Record<string, unknown> = {
      summary: issue.summary,
      description: shape === 'cloud' ? issue.description.adf : issue.description.wiki,
      comment: {
        comments: issue.comments.slice(0, EMBEDDED_COMMENTS).map((comment) => commentJson(comment, shape)),
        maxResults: EMBEDDED_COMMENTS,
        total: issue.comments.length,
        startAt: 0,
      },
      status: { name: issue.status, statusCategory: { key: issue.status === 'Done' ? 'done' : 'indeterminate' } },
      assignee: user(issue.assignee),
      reporter: user(issue.reporter),
      labels: issue.labels,
      priority: { name: issue.priority },
      issuetype: { name: issue.issuetype, subtask: issue.issuetype === 'Sub-task' },
      project: { key: issue.project, name: issue.project === 'TECH' ? 'Technology' : 'Operations' },
      created: jiraDate(issue.created),
      updated: jiraDate(issue.updated),
      parent: issue.parent ? { key: issue.parent, fields: { summary: issues.get(issue.parent)?.summary } } : undefined,
      attachment: issue.attachments.map((filename, index) => ({
        id: `${issue.key}-${index}`,
        filename,
        size: 1024,
        content: `${server.url}/rest/api/${shape === 'cloud' ? 3 : 2}/attachment/content/${issue.key}-${index}`,
      })),
    };
    const fields = Object.fromEntries(Object.entries(all).filter(([name, value]) => wanted.has(name) && value !== undefined));
    return {
      id: String(10_000 + issueNumber(issue.key)),
      key: issue.key,
      self: `${server.url}/rest/api/${shape === 'cloud' ? 3 : 2}/issue/${issue.key}`,
      fields,
    };
  }

  function commentJson(comment: JiraIssueState['comments'][number], shape: 'cloud' | 'dataCenter') {
    return { id: comment.id, author: comment.author, body: shape === 'cloud' ? comment.body.adf : comment.body.wiki, created: jiraDate(comment.created) };
  }

  const issueOf = (key: string) => {
    const issue = issues.get(key);
    if (!issue) throw new Error(`no issue ${key}`);
    return issue;
  };

  return {
    url: server.url,
    tokenUrl: `${server.url}/oauth/token`,
    requests: server.requests,
    tokens,
    faults,
    dialect,
    timeZone: TIME_ZONE.name,
    issue: issueOf,
    addIssue(input) {
      const number = (counters.get(input.project) ?? 0) + 1;
      counters.set(input.project, number);
      const key = `${input.project}-${number}`;
      // Milliseconds: a change made right after a sync must fall after its start.
      const updated = input.updated ?? Date.now();
      issues.set(key, {
        key,
        project: input.project,
        summary: input.summary,
        description: richText(input.description),
        status: input.status ?? 'To Do',
        assignee: input.assignee ?? null,
        reporter: jiraUsers.sam,
        labels: input.labels ?? [],
        priority: input.priority ?? 'Medium',
        issuetype: input.issuetype ?? 'Task',
        parent: input.parent,
        comments: (input.comments ?? []).map((comment, index) => ({
          id: String((commentIds += 1)),
          author: comment.author,
          body: richText(comment.text),
          created: updated - (input.comments?.length ?? 0) + index,
        })),
        attachments: input.attachments ?? [],
        created: updated - 86_400_000,
        updated,
      });
      return key;
    },
    changeIssue(key, change) {
      const issue = issueOf(key);
      if (change.summary !== undefined) issue.summary = change.summary;
      if (change.description !== undefined) issue.description = richText(change.description);
      if (change.comment)
        issue.comments.push({ id: String((commentIds += 1)), author: change.comment.author, body: richText(change.comment.text), created: Date.now() });
      issue.updated = Date.now();
    },
    deleteIssue(key) {
      issues.delete(key);
    },
    close: () => server.close(),
  };
}

interface SearchBody {
  jql?: string;
  fields?: string[];
  maxResults?: number;
  startAt?: number;
  nextPageToken?: string;
}

const jiraError = (message: string) => ({ errorMessages: [message], errors: {} });

/** Jira's own timestamp form: `2024-05-01T10:30:45.123+0000`. */
const jiraDate = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

function richText(value: string | RichText): RichText {
  if (typeof value !== 'string') return value;
  return { adf: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: value }] }] }, wiki: value };
}

function issueNumber(key: string): number {
  return Number(key.slice(key.lastIndexOf('-') + 1));
}

/** Key order as Jira sorts it: by project, then by number. */
function compareKeys(a: string, b: string): number {
  const [projectA, projectB] = [a.slice(0, a.lastIndexOf('-')), b.slice(0, b.lastIndexOf('-'))];
  return projectA === projectB ? issueNumber(a) - issueNumber(b) : projectA < projectB ? -1 : 1;
}

/** JQL as Jira reads it: text ignoring case, and dates in the account's time zone, to the minute. */
const JQL: QueryLanguage<JiraIssueState> = {
  field: fieldReader,
  operators: () => OPERATORS,
  dateFields: new Set(['updated', 'created']),
  utcOffset: TIME_ZONE.offset,
  compareText: (a, b) => a.toLowerCase().localeCompare(b.toLowerCase()),
  errors: {
    ended: 'Error in the JQL Query: the query ended too early.',
    expected: (word, position) => `Error in the JQL Query: expecting '${word}' at position ${position}.`,
    unexpected: (token, position) => `Error in the JQL Query: unexpected '${token}' at position ${position}.`,
    operator: (operator) => `Error in the JQL Query: the operator '${operator}' is not supported.`,
    date: (operand, field) => `Date value '${operand}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm'.`,
  },
};

/** The issues a JQL query selects, in its order; newest first when it names none. */
function runJql(jql: string, all: JiraIssueState[]): JiraIssueState[] {
  const { where, orderBy } = parseQuery(jql, JQL);
  if (!where) throw new Error('Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
  return all.filter(where).sort(orderBy ? issueOrder(orderBy.field, orderBy.descending) : (a, b) => b.created - a.created);
}

/** `order by field`: key order by project, then number; other fields by their first value. */
function issueOrder(field: string, descending: boolean): (a: JiraIssueState, b: JiraIssueState) => number {
  const read = fieldReader(field);
  const ascending =
    field === 'key' || field === 'issuekey'
      ? (a: JiraIssueState, b: JiraIssueState) => compareKeys(a.key, b.key)
      : (a: JiraIssueState, b: JiraIssueState) => Number(read(a)[0]) - Number(read(b)[0]);
  return descending ? (a, b) => ascending(b, a) : ascending;
}

function fieldReader(field: string): (issue: JiraIssueState) => Array<string | number> {
  const present = (value: string | number | undefined | null) => (value === undefined || value === null ? [] : [value]);
  const readers: Record<string, (issue: JiraIssueState) => Array<string | number>> = {
    project: (issue) => [issue.project],
    key: (issue) => [issue.key],
    issue: (issue) => [issue.key],
    issuekey: (issue) => [issue.key],
    parent: (issue) => present(issue.parent),
    summary: (issue) => [issue.summary],
    text: (issue) => [issue.summary, issue.description.wiki],
    status: (issue) => [issue.status],
    type: (issue) => [issue.issuetype],
    issuetype: (issue) => [issue.issuetype],
    labels: (issue) => issue.labels,
    assignee: (issue) => present(issue.assignee?.accountId),
    created: (issue) => [issue.created],
    updated: (issue) => [issue.updated],
  };
  const reader = readers[field];
  if (!reader) throw new Error(`Field '${field}' does not exist or you do not have permission to view it.`);
  return reader;
}

/** Seeded on past dates, so only changes made during a test fall after a sync's start. */
const SEEDED_AT = Date.parse('2025-03-03T09:00:00Z');
const HOUR_MS = 3_600_000;

const richDescription: RichText = {
  adf: {
    type: 'doc',
    version: 1,
    content: [
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Symptoms' }] },
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'Queries take seconds; see ' },
          { type: 'text', text: 'the runbook', marks: [{ type: 'link', attrs: { href: 'https://wiki.example.com/runbook' } }] },
          { type: 'text', text: '. Reported by ' },
          { type: 'mention', attrs: { id: jiraUsers.jane.accountId, text: '@Jane Doe' } },
          { type: 'text', text: '.' },
        ],
      },
      {
        type: 'bulletList',
        content: [
          { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Open the search page' }] }] },
          { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Type a common word' }] }] },
        ],
      },
      { type: 'codeBlock', attrs: { language: 'http' }, content: [{ type: 'text', text: 'GET /search?q=the' }] },
    ],
  } as AdfNode,
  wiki: 'h2. Symptoms\nQueries take seconds; see [the runbook|https://wiki.example.com/runbook]. Reported by [~jane].\n* Open the search page\n* Type a common word\n{code}GET /search?q=the{code}',
};

/** The seeded project: eight TECH issues (three pages), one a sub-task of TECH-1; and OPS issues related to them. */
const seededIssues: JiraIssueInput[] = [
  {
    project: 'TECH',
    summary: 'Search is slow',
    description: richDescription,
    status: 'In Progress',
    assignee: jiraUsers.jane,
    labels: ['bug', 'search'],
    priority: 'High',
    issuetype: 'Bug',
    comments: [
      { author: jiraUsers.sam, text: 'Reproduced on 1.2.' },
      { author: jiraUsers.bot, text: 'Build 4711 failed.' },
      { author: jiraUsers.jane, text: 'The index was missing.' },
    ],
    attachments: ['trace.log', 'screenshot.png'],
  },
  { project: 'TECH', summary: 'Dark mode', description: 'Offer a dark theme.', issuetype: 'Story', labels: ['ui'] },
  { project: 'TECH', summary: 'Search revamp', description: 'Everything about search in 2025.', issuetype: 'Epic' },
  { project: 'TECH', summary: 'Export to CSV', description: 'Users ask for CSV exports.', assignee: jiraUsers.sam, status: 'Done' },
  { project: 'TECH', summary: 'Typo on the login page', description: 'It says "Pasword".', priority: 'Low' },
  { project: 'TECH', summary: 'Upgrade Node', description: 'Move to Node 24.', comments: [{ author: jiraUsers.sam, text: 'Blocked by the CI image.' }] },
  { project: 'TECH', summary: 'Flaky login test', description: 'Fails one run in ten.', labels: ['test'] },
  { project: 'TECH', summary: 'Add an index', description: 'Index the title column.', issuetype: 'Sub-task', parent: 'TECH-1' },
  { project: 'OPS', summary: 'Quarterly goals', description: 'What operations aims for.', issuetype: 'Epic' },
  { project: 'OPS', summary: 'Search capacity plan', description: 'More search nodes.', parent: 'TECH-3' },
  { project: 'OPS', summary: 'Rotate keys', description: 'Unrelated to TECH.' },
];

/** Starts a Jira provider holding the seeded issues, TECH-2 a child of the OPS epic OPS-1. */
export async function seededJiraProvider(options: { dialect?: 'cloud' | 'dataCenter' } = {}): Promise<JiraProvider> {
  const provider = await startJiraProvider(options);
  seededIssues.forEach((issue, index) => provider.addIssue({ ...issue, updated: SEEDED_AT + index * HOUR_MS }));
  provider.issue('TECH-2').parent = 'OPS-1';
  return provider;
}

/** The document a sync must store for an issue as the provider holds it now. */
export function expectedIssue(provider: JiraProvider, key: string, contains: string[]): ExpectedDocument {
  const issue = provider.issue(key);
  const metadata: Record<string, string> = {
    project: issue.project,
    status: issue.status,
    reporter: issue.reporter.displayName,
    priority: issue.priority,
    issuetype: issue.issuetype,
    created: new Date(issue.created).toISOString(),
    updated: new Date(issue.updated).toISOString(),
    ...(issue.assignee ? { assignee: issue.assignee.displayName } : {}),
    ...(issue.labels.length > 0 ? { labels: issue.labels.join(',') } : {}),
    ...(issue.parent ? { parent: issue.parent } : {}),
  };
  return { externalId: key, title: `${key}: ${issue.summary}`, url: `${provider.url}/browse/${key}`, contains: [issue.summary, ...contains], metadata };
}

const seededContains: Record<string, string[]> = {
  'TECH-1': [
    'Symptoms',
    'Queries take seconds; see the runbook (https://wiki.example.com/runbook). Reported by @Jane Doe.',
    '- Open the search page\n- Type a common word',
    'GET /search?q=the',
    'Status: In Progress',
    'Reproduced on 1.2.',
    // The third comment is past what the search embeds.
    'The index was missing.',
  ],
  'TECH-2': ['Offer a dark theme.'],
  'TECH-3': ['Everything about search in 2025.'],
  'TECH-4': ['Users ask for CSV exports.'],
  'TECH-5': ['It says "Pasword".'],
  'TECH-6': ['Move to Node 24.', 'Blocked by the CI image.'],
  'TECH-7': ['Fails one run in ten.'],
  'TECH-8': ['Index the title column.'],
};

/** Project TECH on Jira Cloud: eight issues over three search pages. */
export const jiraScenario: SourceScenario<JiraProvider> = {
  type: 'jira',
  start: () => seededJiraProvider(),
  config: (provider) => ({ baseUrl: provider.url, projectKey: 'TECH' }),
  tokenCredential: (provider) => ({ kind: 'api_token', secret: { token: provider.tokens.apiToken, email: provider.tokens.email } }),
  seeded: (provider) => Object.entries(seededContains).map(([key, contains]) => expectedIssue(provider, key, contains)),
  isListingPage: (request) => request.path.startsWith('/rest/api/3/search/jql'),
  change(provider) {
    provider.changeIssue('TECH-2', { description: 'Offer a dark theme, and follow the system setting.' });
    provider.changeIssue('TECH-6', { comment: { author: jiraUsers.jane, text: 'The CI image has Node 24 now.' } });
    const added = provider.addIssue({ project: 'TECH', summary: 'Keyboard shortcuts', description: 'Press / to search.' });
    provider.deleteIssue('TECH-4');
    return {
      changed: [
        expectedIssue(provider, 'TECH-2', ['Offer a dark theme, and follow the system setting.']),
        expectedIssue(provider, 'TECH-6', ['Blocked by the CI image.', 'The CI image has Node 24 now.']),
      ],
      added: expectedIssue(provider, added, ['Press / to search.']),
      deleted: 'TECH-4',
    };
  },
  revokedReason: 'Client must be authenticated to access this resource.',
};
