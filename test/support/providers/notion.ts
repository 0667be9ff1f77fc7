import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson, startLocalServer, type RecordedRequest } from '../http-server.ts';
import { createProviderFaults, type Fault } from './faults.ts';
import type { ExpectedDocument, SaasProvider, SourceScenario } from './saas-provider.ts';
import { createTokenIssuer } from './token-issuer.ts';

/** The server caps `page_size` this low so a handful of seeded pages spans several search pages. */
const MAX_SEARCH_PAGE = 3;
/** And this low for block children, so a long page's blocks span several pages too. */
const MAX_BLOCKS_PAGE = 4;

type Parent = { type: 'workspace' } | { type: 'page_id'; page_id: string } | { type: 'database_id'; database_id: string };

interface StoredBlock {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  children: StoredBlock[];
}

interface StoredPage {
  id: string;
  title: string;
  /** The title property's name: `title` on plain pages, the name column on database rows. */
  titleProperty: string;
  /** A row's other properties, in Notion's wire shape. */
  properties: Record<string, Record<string, unknown>>;
  parent: Parent;
  createdBy: string;
  createdTime: string;
  lastEditedTime: string;
  inTrash: boolean;
  blocks: StoredBlock[];
  /** What the reader must make of it: fragments of its text and its row properties as metadata. */
  expected: { contains: string[]; properties: Record<string, string> };
}

/** A page to store: the fields with a default (new id, now, not in the trash) may be left out. */
type NewPage = Omit<StoredPage, 'id' | 'createdTime' | 'lastEditedTime' | 'inTrash' | 'properties' | 'expected'> & Partial<StoredPage>;

interface StoredDatabase {
  id: string;
  title: string;
  parent: Parent;
}

export interface NotionProvider extends SaasProvider {
  /** Ids of the seeded pages and database by name. */
  ids: Record<'handbook' | 'onboarding' | 'deployGuide' | 'tasks' | 'loginBug' | 'releaseNotes' | 'offsite' | 'meetingNotes' | 'trashed', string>;
  /** Adds a paragraph to the end of a page, as an edit in Notion does. */
  appendParagraph(pageId: string, text: string): void;
  /** Sets a row's select or status property. */
  setOption(pageId: string, property: string, name: string): void;
  addPage(input: { title: string; parentPageId?: string; paragraphs: string[] }): string;
  /** Moves a page to the trash: search no longer lists it. */
  trashPage(pageId: string): void;
  /** The documents the reader must give for the pages search lists now. */
  expected(): ExpectedDocument[];
}

const users = {
  ada: { id: randomUUID(), name: 'Ada Lovelace' },
  grace: { id: randomUUID(), name: 'Grace Hopper' },
} as const;

/**
 * A local Notion API (version 2022-06-28) for the calls the reader makes: search, block children,
 * pages, databases, blocks and users, with Notion's cursor paging, error bodies and `Retry-After`,
 * and its OAuth token endpoint. Seeded with a handbook page tree, a task database of three rows,
 * a meeting notes page and a page already in the trash.
 */
export async function startNotionProvider(): Promise<NotionProvider> {
  const tokens = createTokenIssuer('secret_');
  const faults = createProviderFaults();
  const pages = new Map<string, StoredPage>();
  const databases = new Map<string, StoredDatabase>();
  const now = () => new Date().toISOString();
  const botId = randomUUID();

  const server = await startLocalServer(async (request, response) => {
    const url = new URL(request.path, 'http://local');
    if (request.method === 'POST' && url.pathname === '/v1/oauth/token') return tokens.answerTokenRequest(request, response);
    const fault = await faults.next();
    if (fault) return answerFault(response, fault);
    if (tokens.check(request.headers.authorization) !== 'valid') return notionError(response, 401, 'unauthorized', 'API token is invalid.');
    if (request.headers['notion-version'] !== '2022-06-28') {
      return notionError(
        response,
        400,
        'missing_version',
        `Notion-Version header should be defined, instead was \`${String(request.headers['notion-version'])}\`.`,
      );
    }
    return route(request, url, response);
  });

  function route(request: RecordedRequest, url: URL, response: ServerResponse): void {
    const path = url.pathname;
    if (request.method === 'POST' && path === '/v1/search') return search(request, response);
    if (request.method !== 'GET') return notionError(response, 400, 'invalid_request_url', 'Invalid request URL.');
    if (path === '/v1/users/me') return sendJson(response, 200, { object: 'user', id: botId, type: 'bot', name: 'Tributary', bot: {} });
    const match = /^\/v1\/(users|pages|databases|blocks)\/([^/]+)(\/children)?$/.exec(path);
    const [, kind, rawId = '', children] = match ?? [];
    const id = decodeURIComponent(rawId);
    if (kind === 'users') {
      const user = Object.values(users).find((candidate) => candidate.id === id);
      if (!user) return notionError(response, 404, 'object_not_found', `Could not find user with ID: ${id}.`);
      return sendJson(response, 200, { object: 'user', id: user.id, type: 'person', name: user.name, avatar_url: null, person: {} });
    }
    if (kind === 'pages' && !children) {
      const page = pageOf(id);
      return page ? sendJson(response, 200, pageJson(page)) : notFound(response, 'page', id);
    }
    if (kind === 'databases' && !children) {
      const database = find(databases, id);
      if (!database) return notFound(response, 'database', id);
      return sendJson(response, 200, { object: 'database', id: database.id, title: richText(database.title), parent: database.parent, properties: {} });
    }
    if (kind === 'blocks' && children) return blockChildren(url, id, response);
    if (kind === 'blocks') {
      const found = blockOf(id);
      return found ? sendJson(response, 200, blockJson(found.block, found.parent)) : notFound(response, 'block', id);
    }
    return notionError(response, 400, 'invalid_request_url', 'Invalid request URL.');
  }

  function search(request: RecordedRequest, response: ServerResponse): void {
    let body: { filter?: { property?: string; value?: string }; page_size?: number; start_cursor?: string; sort?: { direction?: string } };
    try {
      body = JSON.parse(request.body || '{}');
    } catch {
      return notionError(response, 400, 'invalid_json', 'Error parsing JSON body.');
    }
    if (body.filter && body.filter.value !== 'page') return paged(response, [], body, 'page_or_database');
    const listed = [...pages.values()]
      .filter((page) => !page.inTrash)
      .sort((a, b) => (a.lastEditedTime === b.lastEditedTime ? a.id.localeCompare(b.id) : a.lastEditedTime < b.lastEditedTime ? 1 : -1));
    if (body.sort?.direction === 'ascending') listed.reverse();
    paged(response, listed.map(pageJson), body, 'page_or_database', MAX_SEARCH_PAGE);
  }

  function blockChildren(url: URL, id: string, response: ServerResponse): void {
    const children = pageOf(id)?.blocks ?? blockOf(id)?.block.children;
    if (!children) return notFound(response, 'block', id);
    const parent: Record<string, string> = pageOf(id) ? { type: 'page_id', page_id: id } : { type: 'block_id', block_id: id };
    const query = { page_size: Number(url.searchParams.get('page_size') ?? 100), start_cursor: url.searchParams.get('start_cursor') ?? undefined };
    paged(
      response,
      children.map((block) => blockJson(block, parent)),
      query,
      'block',
      MAX_BLOCKS_PAGE,
    );
  }

  /** Notion's list paging: `next_cursor` is the id of the next page's first item, sent back as `start_cursor`. */
  function paged(response: ServerResponse, items: Array<{ id: string }>, query: { page_size?: number; start_cursor?: string }, type: string, cap = 100): void {
    const size = Math.min(query.page_size ?? 100, 100, cap);
    const start = query.start_cursor === undefined ? 0 : items.findIndex((item) => item.id === query.start_cursor);
    if (start === -1) return notionError(response, 400, 'validation_error', 'body failed validation: body.start_cursor should be a valid cursor.');
    const results = items.slice(start, start + size);
    const next = items[start + size];
    sendJson(response, 200, {
      object: 'list',
      results,
      next_cursor: next?.id ?? null,
      has_more: next !== undefined,
      type,
      [type]: {},
      request_id: randomUUID(),
    });
  }

  function pageJson(page: StoredPage) {
    return {
      object: 'page',
      id: page.id,
      created_time: page.createdTime,
      last_edited_time: page.lastEditedTime,
      created_by: { object: 'user', id: page.createdBy },
      last_edited_by: { object: 'user', id: page.createdBy },
      cover: null,
      icon: null,
      parent: page.parent,
      archived: page.inTrash,
      in_trash: page.inTrash,
      properties: { [page.titleProperty]: { id: 'title', type: 'title', title: richText(page.title) }, ...page.properties },
      url: pageUrl(page),
      public_url: null,
    };
  }

  function blockJson(block: StoredBlock, parent: Record<string, string>) {
    return {
      object: 'block',
      id: block.id,
      parent,
      created_time: '2024-03-01T09:00:00.000Z',
      last_edited_time: '2024-03-01T09:00:00.000Z',
      has_children: block.type === 'child_page' ? (pageOf(block.id)?.blocks.length ?? 0) > 0 : block.children.length > 0,
      archived: false,
      in_trash: false,
      type: block.type,
      [block.type]: block.payload,
    };
  }

  const pageOf = (id: string) => find(pages, id);

  function blockOf(id: string): { block: StoredBlock; parent: Record<string, string> } | undefined {
    const walk = (blocks: StoredBlock[], parent: Record<string, string>): { block: StoredBlock; parent: Record<string, string> } | undefined => {
      for (const block of blocks) {
        if (sameId(block.id, id)) return { block, parent };
        const inside = walk(block.children, { type: 'block_id', block_id: block.id });
        if (inside) return inside;
      }
      return undefined;
    };
    for (const page of pages.values()) {
      const found = walk(page.blocks, { type: 'page_id', page_id: page.id });
      if (found) return found;
    }
    return undefined;
  }

  function answerFault(response: ServerResponse, fault: Fault): void {
    if (fault.kind === 'rateLimit') {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds) });
      response.end(JSON.stringify(errorBody(429, 'rate_limited', 'You have been rate limited. Please try again in a few minutes.')));
      return;
    }
    const code = fault.status === 503 ? 'service_unavailable' : fault.status === 504 ? 'gateway_timeout' : 'internal_server_error';
    notionError(response, fault.status, code, 'Notion is unavailable, please try again later.');
  }

  const addPage = (page: NewPage): string => {
    const id = page.id ?? randomUUID();
    const createdTime = page.createdTime ?? now();
    pages.set(id, {
      properties: {},
      inTrash: false,
      expected: { contains: [], properties: {} },
      lastEditedTime: createdTime,
      ...page,
      id,
      createdTime,
    });
    return id;
  };

  const changed = (page: StoredPage) => {
    page.lastEditedTime = now();
  };

  const ids = seed(addPage, databases);
  const storedPage = (id: string) => {
    const page = pageOf(id);
    if (!page) throw new Error(`no page ${id}`);
    return page;
  };

  return {
    url: server.url,
    tokenUrl: `${server.url}/v1/oauth/token`,
    requests: server.requests,
    tokens,
    faults,
    ids,
    appendParagraph(pageId, text) {
      const page = storedPage(pageId);
      page.blocks.push(block('paragraph', { rich_text: richText(text), color: 'default' }));
      page.expected.contains.push(text);
      changed(page);
    },
    setOption(pageId, property, name) {
      const page = storedPage(pageId);
      const current = page.properties[property];
      if (!current) throw new Error(`no property ${property}`);
      const type = current.type as string;
      page.properties[property] = { ...current, [type]: { id: randomUUID(), name, color: 'default' } };
      page.expected.properties[property] = name;
      changed(page);
    },
    addPage(input) {
      return addPage({
        title: input.title,
        titleProperty: 'title',
        parent: input.parentPageId ? { type: 'page_id', page_id: input.parentPageId } : { type: 'workspace' },
        createdBy: users.grace.id,
        blocks: input.paragraphs.map((text) => block('paragraph', { rich_text: richText(text), color: 'default' })),
        expected: { contains: [...input.paragraphs], properties: {} },
      });
    },
    trashPage(pageId) {
      const page = storedPage(pageId);
      page.inTrash = true;
      changed(page);
    },
    expected() {
      return [...pages.values()].filter((page) => !page.inTrash).map((page) => expectedDocument(page));
    },
    close: () => server.close(),
  };

  function expectedDocument(page: StoredPage): ExpectedDocument {
    const isRow = page.parent.type === 'database_id';
    const parent = page.parent.type === 'database_id' ? page.parent.database_id : page.parent.type === 'page_id' ? page.parent.page_id : 'workspace';
    const author = Object.values(users).find((user) => user.id === page.createdBy)?.name ?? page.createdBy;
    return {
      externalId: page.id,
      title: page.title,
      url: pageUrl(page),
      contains: [page.title, ...page.expected.contains],
      metadata: {
        created: page.createdTime,
        updated: page.lastEditedTime,
        author,
        parent,
        kind: isRow ? 'database_row' : 'page',
        ...Object.fromEntries(Object.entries(page.expected.properties).map(([name, value]) => [`property.${name}`, value])),
      },
    };
  }
}

/**
 * The seeded workspace, with edit times in the past so an incremental sync sees only later changes:
 * Engineering Handbook (every block type the reader converts) > Onboarding > Deploy Guide; a Tasks
 * database under the handbook with three rows; Meeting Notes at the top; Old Ideas in the trash.
 */
function seed(addPage: (page: NewPage) => string, databases: Map<string, StoredDatabase>): NotionProvider['ids'] {
  const at = (day: number) => `2024-05-${String(day).padStart(2, '0')}T10:00:00.000Z`;
  const handbook = randomUUID();
  const onboarding = randomUUID();
  const tasks = randomUUID();
  const paragraph = (text: string, children: StoredBlock[] = []) => block('paragraph', { rich_text: richText(text), color: 'default' }, children);
  const item = (type: string, text: string, extra: Record<string, unknown> = {}, children: StoredBlock[] = []) =>
    block(type, { rich_text: richText(text), color: 'default', ...extra }, children);

  addPage({
    id: handbook,
    title: 'Engineering Handbook',
    titleProperty: 'title',
    parent: { type: 'workspace' },
    createdBy: users.ada.id,
    createdTime: at(1),
    lastEditedTime: at(10),
    blocks: [
      item('heading_1', 'Principles', { is_toggleable: false }),
      paragraph('We write things down before we build them.'),
      item('bulleted_list_item', 'Small pull requests', {}, [item('bulleted_list_item', 'One change each')]),
      item('numbered_list_item', 'Open a draft'),
      item('numbered_list_item', 'Ask for review'),
      item('to_do', 'Read the style guide', { checked: true }),
      item('to_do', 'Pair on a release', { checked: false }),
      item('code', 'npm run release', { language: 'shell', caption: [] }),
      item('quote', 'Make it work, then make it fast.'),
      item('callout', 'Incidents go to the on-call channel.', { icon: { type: 'emoji', emoji: '🚨' } }),
      block('table', { table_width: 2, has_column_header: true, has_row_header: false }, [
        block('table_row', { cells: [richText('Service'), richText('Owner')] }),
        block('table_row', { cells: [richText('Billing'), richText('Payments team')] }),
      ]),
      item('toggle', 'Glossary', {}, [paragraph('SLO means service level objective.')]),
      { id: onboarding, type: 'child_page', payload: { title: 'Onboarding' }, children: [] },
      { id: tasks, type: 'child_database', payload: { title: 'Tasks' }, children: [] },
    ],
    expected: {
      contains: [
        'We write things down',
        'One change each',
        'Ask for review',
        'Read the style guide',
        'npm run release',
        'Make it work',
        'Payments team',
        'service level objective',
      ],
      properties: {},
    },
  });
  addPage({
    id: onboarding,
    title: 'Onboarding',
    titleProperty: 'title',
    parent: { type: 'page_id', page_id: handbook },
    createdBy: users.grace.id,
    createdTime: at(2),
    lastEditedTime: at(9),
    blocks: [paragraph('Your first week: accounts, laptop and a buddy.')],
    expected: { contains: ['Your first week'], properties: {} },
  });
  const deployGuide = addPage({
    title: 'Deploy Guide',
    titleProperty: 'title',
    parent: { type: 'page_id', page_id: onboarding },
    createdBy: users.ada.id,
    createdTime: at(3),
    lastEditedTime: at(8),
    blocks: [item('heading_2', 'Rollback'), paragraph('Revert the release tag and redeploy.')],
    expected: { contains: ['Revert the release tag'], properties: {} },
  });
  databases.set(tasks, { id: tasks, title: 'Tasks', parent: { type: 'page_id', page_id: handbook } });

  const row = (title: string, day: number, props: { status: string; tags: string[]; due: string; points: number; done: boolean; notes: string }) =>
    addPage({
      title,
      titleProperty: 'Name',
      parent: { type: 'database_id', database_id: tasks },
      createdBy: users.grace.id,
      createdTime: at(day - 1),
      lastEditedTime: at(day),
      properties: {
        Status: { id: 'st', type: 'status', status: { id: 's1', name: props.status, color: 'blue' } },
        Tags: { id: 'tg', type: 'multi_select', multi_select: props.tags.map((name) => ({ id: name, name, color: 'gray' })) },
        Due: { id: 'du', type: 'date', date: { start: props.due, end: null, time_zone: null } },
        Points: { id: 'pt', type: 'number', number: props.points },
        Done: { id: 'dn', type: 'checkbox', checkbox: props.done },
        Notes: { id: 'nt', type: 'rich_text', rich_text: richText(props.notes) },
        Assignee: { id: 'as', type: 'people', people: [{ object: 'user', id: users.ada.id }] },
      },
      blocks: [paragraph(`Details: ${props.notes}`)],
      expected: {
        contains: [props.notes],
        properties: {
          Status: props.status,
          ...(props.tags.length > 0 ? { Tags: props.tags.join(',') } : {}),
          Due: props.due,
          Points: String(props.points),
          Done: String(props.done),
          Notes: props.notes,
        },
      },
    });
  const loginBug = row('Fix login bug', 7, {
    status: 'In progress',
    tags: ['auth', 'bug'],
    due: '2024-06-01',
    points: 3,
    done: false,
    notes: 'Tokens expire early.',
  });
  const releaseNotes = row('Write release notes', 6, {
    status: 'Not started',
    tags: ['docs'],
    due: '2024-06-15',
    points: 1,
    done: false,
    notes: 'Cover the new search.',
  });
  const offsite = row('Plan offsite', 5, { status: 'Done', tags: [], due: '2024-05-20', points: 2, done: true, notes: 'Book the venue.' });
  const meetingNotes = addPage({
    title: 'Meeting Notes',
    titleProperty: 'title',
    parent: { type: 'workspace' },
    createdBy: users.ada.id,
    createdTime: at(3),
    lastEditedTime: at(4),
    blocks: [item('heading_3', 'Weekly sync'), item('bulleted_list_item', 'Decided to freeze the API on Friday.')],
    expected: { contains: ['freeze the API'], properties: {} },
  });
  const trashed = addPage({
    title: 'Old Ideas',
    titleProperty: 'title',
    parent: { type: 'workspace' },
    createdBy: users.ada.id,
    createdTime: at(1),
    lastEditedTime: at(11),
    inTrash: true,
    blocks: [paragraph('Nothing to see.')],
  });
  return { handbook, onboarding, deployGuide, tasks, loginBug, releaseNotes, offsite, meetingNotes, trashed };
}

function block(type: string, payload: Record<string, unknown>, children: StoredBlock[] = []): StoredBlock {
  return { id: randomUUID(), type, payload, children };
}

function richText(text: string) {
  return [
    {
      type: 'text',
      text: { content: text, link: null },
      annotations: { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' },
      plain_text: text,
      href: null,
    },
  ];
}

function pageUrl(page: StoredPage): string {
  const slug = page.title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `https://www.notion.so/${slug ? `${slug}-` : ''}${page.id.replaceAll('-', '')}`;
}

const sameId = (a: string, b: string) => a.replaceAll('-', '').toLowerCase() === b.replaceAll('-', '').toLowerCase();

function find<T>(map: Map<string, T>, id: string): T | undefined {
  for (const [key, value] of map) if (sameId(key, id)) return value;
  return undefined;
}

function errorBody(status: number, code: string, message: string) {
  return { object: 'error', status, code, message, request_id: randomUUID() };
}

function notionError(response: ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, errorBody(status, code, message));
}

function notFound(response: ServerResponse, kind: string, id: string): void {
  notionError(
    response,
    404,
    'object_not_found',
    `Could not find ${kind} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
  );
}

/** Seeded Notion for the conformance suite: 7 pages and rows across 3 search pages; edits bump `last_edited_time`, a deletion is a move to the trash. */
export const notionScenario: SourceScenario<NotionProvider> = {
  type: 'notion',
  start: startNotionProvider,
  config: (provider) => ({ apiUrl: provider.url }),
  tokenCredential: (provider) => ({ kind: 'api_token', secret: { token: provider.tokens.apiToken } }),
  seeded: (provider) => provider.expected(),
  isListingPage: (request) => request.method === 'POST' && request.path === '/v1/search',
  change(provider) {
    const { handbook, releaseNotes, meetingNotes } = provider.ids;
    provider.appendParagraph(handbook, 'On-call rotates every Monday.');
    provider.setOption(releaseNotes, 'Status', 'In review');
    const added = provider.addPage({ title: 'Incident Review', paragraphs: ['The outage lasted twelve minutes.'] });
    provider.trashPage(meetingNotes);
    const byId = new Map(provider.expected().map((document) => [document.externalId, document]));
    const expectedOf = (id: string) => byId.get(id) as ExpectedDocument;
    return { changed: [expectedOf(handbook), expectedOf(releaseNotes)], added: expectedOf(added), deleted: meetingNotes };
  },
  revokedReason: 'API token is invalid.',
};
