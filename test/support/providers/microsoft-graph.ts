import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { sendJson, startLocalServer, type LocalServer, type RecordedRequest } from '../http-server.ts';
import { createProviderFaults, type Fault } from './faults.ts';
import type { ExpectedDocument, SaasProvider, SourceScenario } from './saas-provider.ts';
import { createTokenIssuer } from './token-issuer.ts';

/** The server caps delta pages this low, so a library of eight items spans three pages. */
const MAX_DELTA_PAGE = 3;
const SHAREPOINT_HOST = 'contoso.sharepoint.com';
const ONEDRIVE_HOST = 'contoso-my.sharepoint.com';
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const USERS = {
  megan: { displayName: 'Megan Bowen', email: 'megan@contoso.com' },
  alex: { displayName: 'Alex Wilber', email: 'alex@contoso.com' },
} as const;
type UserKey = keyof typeof USERS;

interface StoredDrive {
  id: string;
  name: string;
  webUrl: string;
  driveType: 'documentLibrary' | 'business';
  /** Null for a OneDrive, which the reader reaches through its URL rather than a site. */
  siteName: string | null;
  rootId: string;
}

interface StoredItem {
  id: string;
  driveId: string;
  parentId: string | null;
  name: string;
  kind: 'root' | 'folder' | 'file';
  /** What the file says, as text; its bytes are built from it by type. */
  text: string;
  content: Uint8Array;
  mimeType: string;
  createdBy: UserKey;
  modifiedBy: UserKey;
  created: string;
  modified: string;
  /** When it was created and last changed, in the server's change sequence: what delta tokens count. */
  createdSeq: number;
  changeSeq: number;
  deleted: boolean;
}

/** A seeded item's name, for the helpers and the tests. */
type SeedKey =
  | 'design'
  | 'architecture'
  | 'roadmap'
  | 'policies'
  | 'security'
  | 'travel'
  | 'photo'
  | 'api'
  | 'storage'
  | 'projects'
  | 'plan'
  | 'budget'
  | 'notes'
  | 'archive'
  | 'old'
  | 'private';

export interface GraphProvider extends SaasProvider {
  /** The SharePoint site with two document libraries (Documents: 8 items, Specs: 3). */
  siteUrl: string;
  /** A folder of Megan's OneDrive, with a sub-folder; a file beside it is outside it. */
  oneDriveFolderUrl: string;
  /** The drive ids by name: the site's `documents` and `specs`, and Megan's `onedrive`. */
  drives: Record<'documents' | 'specs' | 'onedrive', string>;
  /** The seeded items' external ids (`{driveId}/{itemId}`). */
  ids: Record<SeedKey, string>;
  /** Every request the download host (another origin) answered. */
  downloads: RecordedRequest[];
  /** Path and query of every delta link handed out, newest last, with its drive. */
  deltaLinks: Array<{ driveId: string; path: string }>;
  /** The next delta request on the drive answers 400 `invalidRequest`. */
  rejectNextDelta(driveId: string): void;
  /** Appends a paragraph to a text file, now. */
  appendText(externalId: string, text: string): void;
  /** Adds a text file to a folder (an external id) now; returns its external id. */
  addFile(folderExternalId: string, name: string, text: string): string;
  /** Deletes an item now, as the recycle bin does: delta reports it with the `deleted` facet. */
  deleteItem(externalId: string): void;
  /** The documents the reader must give for the files under a drive or folder now. */
  expected(under: string): ExpectedDocument[];
}

/**
 * A local Microsoft Graph v1.0 for the calls the SharePoint and OneDrive readers make: sites by
 * path, a site's drives, `shares` resolution of web URLs, drive items, delta feeds paged by
 * `@odata.nextLink` and ended by `@odata.deltaLink`, and `/content` answered with a 302 to a
 * pre-authenticated URL on a second server. Errors are Graph's `{ error: { code, message } }`,
 * throttling is 429 with `Retry-After`, and the token endpoint is Microsoft's `/common/oauth2/v2.0/token`.
 */
export async function startGraphProvider(): Promise<GraphProvider> {
  const tokens = createTokenIssuer('eyJ0eXAi.');
  const faults = createProviderFaults();
  const drives = new Map<string, StoredDrive>();
  const items = new Map<string, StoredItem>();
  const downloadTickets = new Map<string, string>();
  const rejectedDrives = new Set<string>();
  const deltaLinks: GraphProvider['deltaLinks'] = [];
  let seq = 0;
  const site = { id: `${SHAREPOINT_HOST},${randomUUID()},${randomUUID()}`, name: 'Eng', displayName: 'Engineering', path: '/sites/Eng' };
  const siteUrl = `https://${SHAREPOINT_HOST}${site.path}`;

  const downloads: LocalServer = await startLocalServer((request, response) => {
    const url = new URL(request.path, 'http://local');
    const item = items.get(downloadTickets.get(url.searchParams.get('tempauth') ?? '') ?? '');
    if (url.pathname !== '/_layouts/15/download.aspx' || !item || item.deleted) {
      return sendJson(response, 401, { error: { code: 'unauthenticated', message: 'The tempauth token is invalid or has expired.' } });
    }
    response.writeHead(200, { 'content-type': item.mimeType, 'content-length': String(item.content.byteLength) });
    response.end(Buffer.from(item.content));
  });

  const server = await startLocalServer(async (request, response) => {
    const url = new URL(request.path, 'http://local');
    if (request.method === 'POST' && url.pathname === '/common/oauth2/v2.0/token') return tokens.answerTokenRequest(request, response);
    const fault = await faults.next();
    if (fault) return answerFault(response, fault);
    const verdict = tokens.check(request.headers.authorization);
    if (verdict !== 'valid') {
      const message = !request.headers.authorization
        ? 'Access token is empty.'
        : verdict === 'unknown'
          ? 'IDX14100: JWT is not well formed, there are no dots (.).'
          : 'Access token has expired or is not yet valid.';
      return graphError(response, 401, 'InvalidAuthenticationToken', message);
    }
    if (request.method !== 'GET') return graphError(response, 405, 'BadRequest', 'Unsupported HTTP method.');
    return route(url, response);
  });

  function route(url: URL, response: ServerResponse): void {
    const path = url.pathname;
    if (path === '/v1.0/me/drive') return sendJson(response, 200, driveJson(driveByName('OneDrive')));
    let match = /^\/v1\.0\/sites\/([^/:]+)(?::(\/.*))?$/.exec(path);
    if (match) {
      const [, host = '', sitePath = '/'] = match;
      const found =
        decodeURIComponent(host) === site.id || (host === SHAREPOINT_HOST && decodeURIComponent(sitePath).toLowerCase() === site.path.toLowerCase());
      if (!found) return graphError(response, 404, 'itemNotFound', 'Requested site could not be found');
      return sendJson(response, 200, { id: site.id, name: site.name, displayName: site.displayName, webUrl: siteUrl });
    }
    match = /^\/v1\.0\/sites\/([^/]+)\/drives$/.exec(path);
    if (match) {
      if (decodeURIComponent(match[1] ?? '') !== site.id) return graphError(response, 404, 'itemNotFound', 'Requested site could not be found');
      return sendJson(response, 200, { value: [...drives.values()].filter((drive) => drive.siteName !== null).map(driveJson) });
    }
    match = /^\/v1\.0\/shares\/([^/]+)\/driveItem$/.exec(path);
    if (match) return sharedItem(decodeURIComponent(match[1] ?? ''), response);
    match = /^\/v1\.0\/drives\/([^/]+)(?:\/root\/delta|\/items\/([^/]+)(\/delta|\/content)?)?$/.exec(path);
    if (!match) return graphError(response, 400, 'invalidRequest', 'Invalid request');
    const [, rawDrive = '', rawItem, action] = match;
    const drive = drives.get(decodeURIComponent(rawDrive));
    if (!drive) return graphError(response, 404, 'itemNotFound', 'The resource could not be found.');
    if (rawItem === undefined && !path.endsWith('/root/delta')) return sendJson(response, 200, driveJson(drive));
    const item = items.get(rawItem === undefined ? drive.rootId : decodeURIComponent(rawItem));
    if (!item || item.deleted || item.driveId !== drive.id) return graphError(response, 404, 'itemNotFound', 'The resource could not be found.');
    if (path.endsWith('/delta')) return delta(url, drive, item, response);
    if (action === '/content') {
      if (item.kind !== 'file') return graphError(response, 400, 'invalidRequest', 'Cannot download a folder.');
      const ticket = randomBytes(12).toString('base64url');
      downloadTickets.set(ticket, item.id);
      response.writeHead(302, { location: `${downloads.url}/_layouts/15/download.aspx?UniqueId=${item.id}&tempauth=${ticket}` });
      return void response.end();
    }
    sendJson(response, 200, itemJson(item));
  }

  function sharedItem(shareId: string, response: ServerResponse): void {
    const target = shareId.startsWith('u!') ? normalized(Buffer.from(shareId.slice(2), 'base64url').toString('utf8')) : '';
    const found = [...items.values()].find((item) => !item.deleted && normalized(webUrlOf(item)) === target);
    if (!found) return graphError(response, 404, 'itemNotFound', 'The sharing link no longer exists, or you do not have permission to access it.');
    sendJson(response, 200, itemJson(found));
  }

  /**
   * Graph's delta: without a token, every item under the folder as it is now; with one, what changed
   * since (deleted items with the `deleted` facet) and their parent folders. The snapshot is fixed at
   * the first page, so a change made while paging arrives with the next delta link.
   */
  function delta(url: URL, drive: StoredDrive, folder: StoredItem, response: ServerResponse): void {
    if (rejectedDrives.delete(drive.id)) return graphError(response, 400, 'invalidRequest', 'The request is malformed or incorrect.');
    const skip = url.searchParams.get('$skiptoken');
    const token = url.searchParams.get('token');
    // Graph answers a delta token it no longer knows (too old) with 410 Gone.
    if (token && !decodeToken(token)) {
      return graphError(response, 410, 'resyncChangesApplyDifferences', "Resync required. Replace any local items with the server's version.");
    }
    const state = skip ? decodeToken(skip) : { since: token ? (decodeToken(token)?.since ?? null) : null, upTo: seq, offset: 0 };
    if (!state) return graphError(response, 400, 'invalidRequest', 'Invalid skip token.');
    const inScope = [...items.values()].filter((item) => item.driveId === drive.id && isUnder(item, folder) && item.createdSeq <= state.upTo);
    let listed: StoredItem[];
    if (state.since === null) listed = inScope.filter((item) => !item.deleted);
    else {
      const since = state.since;
      const changed = inScope.filter((item) => item.changeSeq > since && item.changeSeq <= state.upTo);
      const parents = new Set(changed.flatMap((item) => ancestorsOf(item, folder)));
      listed = inScope.filter((item) => changed.includes(item) || parents.has(item.id));
    }
    listed.sort((a, b) => a.createdSeq - b.createdSeq);
    const end = state.offset + MAX_DELTA_PAGE;
    const base = `${server.url}${url.pathname}`;
    const body: Record<string, unknown> = {
      '@odata.context': `${server.url}/v1.0/$metadata#Collection(driveItem)`,
      value: listed.slice(state.offset, end).map((item) => itemJson(item, { inDelta: true })),
    };
    if (end < listed.length) body['@odata.nextLink'] = `${base}?$skiptoken=${encodeToken({ ...state, offset: end })}`;
    else {
      const link = `${base}?token=${encodeToken({ since: state.upTo, upTo: state.upTo, offset: 0 })}`;
      deltaLinks.push({ driveId: drive.id, path: link.slice(server.url.length) });
      body['@odata.deltaLink'] = link;
    }
    sendJson(response, 200, body);
  }

  function isUnder(item: StoredItem, folder: StoredItem): boolean {
    for (let current: StoredItem | undefined = item; current; current = current.parentId ? items.get(current.parentId) : undefined) {
      if (current.id === folder.id) return true;
    }
    return false;
  }

  function ancestorsOf(item: StoredItem, folder: StoredItem): string[] {
    const ancestors: string[] = [];
    for (let current = item.parentId ? items.get(item.parentId) : undefined; current && isUnder(current, folder);) {
      ancestors.push(current.id);
      current = current.parentId ? items.get(current.parentId) : undefined;
    }
    return ancestors;
  }

  function folderPathOf(item: StoredItem): string {
    const names: string[] = [];
    for (let current = item.parentId ? items.get(item.parentId) : undefined; current && current.kind !== 'root';) {
      names.unshift(current.name);
      current = current.parentId ? items.get(current.parentId) : undefined;
    }
    return names.map((name) => `/${name}`).join('');
  }

  function webUrlOf(item: StoredItem): string {
    const drive = drives.get(item.driveId) as StoredDrive;
    if (item.kind === 'root') return drive.webUrl;
    return `${drive.webUrl}${encodeURI(`${folderPathOf(item)}/${item.name}`)}`;
  }

  function driveJson(drive: StoredDrive) {
    return {
      id: drive.id,
      name: drive.name,
      driveType: drive.driveType,
      webUrl: drive.webUrl,
      createdDateTime: '2023-01-10T09:00:00Z',
      owner: drive.siteName ? { group: { displayName: drive.siteName } } : { user: USERS.megan },
    };
  }

  /** Graph leaves `parentReference.path` out of delta answers: a renamed folder does not list its descendants again. */
  function itemJson(item: StoredItem, { inDelta } = { inDelta: false }) {
    const drive = drives.get(item.driveId) as StoredDrive;
    if (item.deleted)
      return { id: item.id, name: item.name, parentReference: { driveType: drive.driveType, driveId: drive.id }, deleted: { state: 'deleted' } };
    const common = {
      id: item.id,
      name: item.kind === 'root' ? 'root' : item.name,
      webUrl: webUrlOf(item),
      createdDateTime: item.created,
      lastModifiedDateTime: item.modified,
      createdBy: { user: USERS[item.createdBy] },
      lastModifiedBy: { user: USERS[item.modifiedBy] },
      parentReference:
        item.kind === 'root'
          ? { driveType: drive.driveType, driveId: drive.id }
          : {
              driveType: drive.driveType,
              driveId: drive.id,
              id: item.parentId,
              ...(inDelta ? {} : { path: `/drives/${drive.id}/root:${encodeURI(folderPathOf(item))}` }),
            },
    };
    if (item.kind === 'file') return { ...common, size: item.content.byteLength, file: { mimeType: item.mimeType, hashes: { quickXorHash: 'AAAA' } } };
    const childCount = [...items.values()].filter((child) => child.parentId === item.id && !child.deleted).length;
    return { ...common, size: 0, folder: { childCount }, ...(item.kind === 'root' ? { root: {} } : {}) };
  }

  function answerFault(response: ServerResponse, fault: Fault): void {
    if (fault.kind === 'rateLimit') {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds) });
      response.end(JSON.stringify(errorBody('activityLimitReached', 'The request has been throttled')));
      return;
    }
    graphError(
      response,
      fault.status,
      fault.status === 503 ? 'serviceNotAvailable' : 'generalException',
      'The service is not available. Try the request again.',
    );
  }

  const now = () => new Date().toISOString();
  const itemOf = (externalId: string) => {
    const item = items.get(externalId.split('/').pop() ?? '');
    if (!item) throw new Error(`no item ${externalId}`);
    return item;
  };
  const touch = (item: StoredItem, by: UserKey = 'alex') => {
    seq += 1;
    item.changeSeq = seq;
    item.modified = now();
    item.modifiedBy = by;
  };

  function add(input: Pick<StoredItem, 'driveId' | 'parentId' | 'name' | 'kind'> & Partial<StoredItem>): StoredItem {
    seq += 1;
    const created = input.created ?? now();
    const item: StoredItem = {
      id: randomBytes(16).toString('hex').toUpperCase().slice(0, 26),
      text: '',
      content: new Uint8Array(),
      mimeType: 'application/octet-stream',
      createdBy: 'megan',
      modifiedBy: 'megan',
      modified: created,
      deleted: false,
      ...input,
      created,
      createdSeq: seq,
      changeSeq: seq,
    };
    items.set(item.id, item);
    return item;
  }

  function addDrive(name: string, webUrl: string, siteName: string | null): StoredDrive {
    const id = `b!${randomBytes(24).toString('base64url')}`;
    const root = add({ driveId: id, parentId: null, name: 'root', kind: 'root', created: '2023-01-10T09:00:00.000Z' });
    const drive: StoredDrive = { id, name, webUrl, driveType: siteName ? 'documentLibrary' : 'business', siteName, rootId: root.id };
    drives.set(id, drive);
    return drive;
  }

  function driveByName(name: string): StoredDrive {
    const drive = [...drives.values()].find((candidate) => candidate.name === name);
    if (!drive) throw new Error(`no drive ${name}`);
    return drive;
  }

  const externalIdOf = (item: StoredItem) => `${item.driveId}/${item.id}`;
  const ids = await seed(add, addDrive);

  return {
    url: server.url,
    tokenUrl: `${server.url}/common/oauth2/v2.0/token`,
    requests: server.requests,
    tokens,
    faults,
    siteUrl,
    oneDriveFolderUrl: webUrlOf(itemOf(ids.projects)),
    drives: { documents: driveByName('Documents').id, specs: driveByName('Specs').id, onedrive: driveByName('OneDrive').id },
    ids,
    downloads: downloads.requests,
    deltaLinks,
    rejectNextDelta(driveId) {
      rejectedDrives.add(driveId);
    },
    appendText(externalId, text) {
      const item = itemOf(externalId);
      item.text = `${item.text}\n\n${text}`;
      item.content = new TextEncoder().encode(item.text);
      touch(item);
    },
    addFile(folderExternalId, name, text) {
      const folder = itemOf(folderExternalId);
      const item = add({ driveId: folder.driveId, parentId: folder.id, name, kind: 'file', ...textFile(text), createdBy: 'alex', modifiedBy: 'alex' });
      return externalIdOf(item);
    },
    deleteItem(externalId) {
      const item = itemOf(externalId);
      item.deleted = true;
      touch(item);
    },
    expected(under) {
      const folder = drives.get(under)?.rootId ?? itemOf(under).id;
      return [...items.values()]
        .filter((item) => item.kind === 'file' && !item.deleted && item.mimeType !== 'image/png' && isUnder(item, items.get(folder) as StoredItem))
        .map((item) => expectedDocument(item));
    },
    async close() {
      await Promise.all([server.close(), downloads.close()]);
    },
  };

  function expectedDocument(item: StoredItem): ExpectedDocument {
    const drive = drives.get(item.driveId) as StoredDrive;
    const mimeType = { md: 'text/markdown', txt: 'text/plain', pdf: 'application/pdf', docx: DOCX_TYPE }[item.name.split('.').pop() ?? ''] ?? item.mimeType;
    return {
      externalId: externalIdOf(item),
      title: item.name,
      url: webUrlOf(item),
      contains: [item.text.split('\n\n').pop() as string],
      metadata: {
        drive: drive.name,
        ...(drive.siteName ? { site: drive.siteName } : {}),
        author: USERS[item.createdBy].displayName,
        modifiedBy: USERS[item.modifiedBy].displayName,
        created: item.created,
        modified: item.modified,
        mimeType,
      },
    };
  }
}

type AddItem = (input: Pick<StoredItem, 'driveId' | 'parentId' | 'name' | 'kind'> & Partial<StoredItem>) => StoredItem;
type AddDrive = (name: string, webUrl: string, siteName: string | null) => StoredDrive;

/**
 * The seeded tenant, edited in the past: the Engineering site's Documents library (Design with a
 * Markdown file and a DOCX, Policies with a PDF and a text file, a PNG at the top: 8 items) and its
 * Specs library (two files); Megan's OneDrive with a Projects folder (three files and an Archive
 * folder with one) and a private file beside it.
 */
async function seed(add: AddItem, addDrive: AddDrive): Promise<Record<SeedKey, string>> {
  const at = (day: number) => `2024-05-${String(day).padStart(2, '0')}T10:00:00.000Z`;
  const documents = addDrive('Documents', `https://${SHAREPOINT_HOST}/sites/Eng/Shared%20Documents`, 'Engineering');
  const specs = addDrive('Specs', `https://${SHAREPOINT_HOST}/sites/Eng/Specs`, 'Engineering');
  const onedrive = addDrive('OneDrive', `https://${ONEDRIVE_HOST}/personal/megan_contoso_com/Documents`, null);
  const folder = (drive: StoredDrive, parent: StoredItem | string, name: string, day: number) =>
    add({ driveId: drive.id, parentId: typeof parent === 'string' ? parent : parent.id, name, kind: 'folder', created: at(day) });
  const file = (drive: StoredDrive, parent: StoredItem | string, name: string, day: number, body: Partial<StoredItem>, by: UserKey = 'megan') =>
    add({
      driveId: drive.id,
      parentId: typeof parent === 'string' ? parent : parent.id,
      name,
      kind: 'file',
      created: at(day),
      createdBy: by,
      modifiedBy: by,
      ...body,
    });

  const design = folder(documents, documents.rootId, 'Design', 1);
  const architecture = file(documents, design, 'architecture.md', 2, textFile('# Architecture\n\nThe sync engine runs on Temporal workers.'));
  const roadmap = file(documents, design, 'roadmap.docx', 3, await docxFile('Roadmap: ship delta sync in June'), 'alex');
  const policies = folder(documents, documents.rootId, 'Policies', 4);
  const security = file(documents, policies, 'security.pdf', 5, await pdfFile('Security policy: rotate keys every 90 days'));
  const travel = file(documents, policies, 'travel.txt', 6, textFile('Travel: book trains over flights under 500 km.'), 'alex');
  const photo = file(documents, documents.rootId, 'team.png', 7, { mimeType: 'image/png', content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]) });
  const api = file(specs, specs.rootId, 'api.md', 8, textFile('# API\n\nEvery list is paged.'));
  const storage = file(specs, specs.rootId, 'storage.txt', 9, textFile('Storage: documents are kept per collection.'), 'alex');
  const projects = folder(onedrive, onedrive.rootId, 'Projects', 10);
  const plan = file(onedrive, projects, 'plan.md', 11, textFile('Plan: migrate the wiki by March.'));
  const budget = file(onedrive, projects, 'budget.txt', 12, textFile('Budget: two laptops and a license.'));
  const notes = file(onedrive, projects, 'notes.md', 13, textFile('Notes: the vendor call moved to Tuesday.'));
  const archive = folder(onedrive, projects, 'Archive', 14);
  const old = file(onedrive, archive, 'old.txt', 15, textFile('Old: the 2023 plan, kept for reference.'));
  const privateFile = file(onedrive, onedrive.rootId, 'private.txt', 16, textFile('Private: not in the synced folder.'));
  const id = (item: StoredItem) => `${item.driveId}/${item.id}`;
  return {
    design: id(design),
    architecture: id(architecture),
    roadmap: id(roadmap),
    policies: id(policies),
    security: id(security),
    travel: id(travel),
    photo: id(photo),
    api: id(api),
    storage: id(storage),
    projects: id(projects),
    plan: id(plan),
    budget: id(budget),
    notes: id(notes),
    archive: id(archive),
    old: id(old),
    private: id(privateFile),
  };
}

function textFile(text: string): Pick<StoredItem, 'text' | 'content' | 'mimeType'> {
  // Graph reports what SharePoint guessed; Markdown is usually octet-stream.
  return { text, content: new TextEncoder().encode(text), mimeType: 'application/octet-stream' };
}

async function docxFile(text: string): Promise<Pick<StoredItem, 'text' | 'content' | 'mimeType'>> {
  const document = new Document({ sections: [{ children: [new Paragraph({ children: [new TextRun(text)] })] }] });
  return { text, content: new Uint8Array(await Packer.toBuffer(document)), mimeType: DOCX_TYPE };
}

async function pdfFile(text: string): Promise<Pick<StoredItem, 'text' | 'content' | 'mimeType'>> {
  const pdf = await PDFDocument.create();
  pdf.addPage().drawText(text, { font: await pdf.embedFont(StandardFonts.Helvetica), x: 50, y: 700, size: 14 });
  return { text, content: await pdf.save(), mimeType: 'application/pdf' };
}

/** Web URLs compare decoded, without a trailing slash and case-insensitively, as SharePoint's are. */
function normalized(webUrl: string): string {
  try {
    return decodeURI(webUrl).replace(/\/$/, '').toLowerCase();
  } catch {
    return webUrl.toLowerCase();
  }
}

interface DeltaState {
  /** The change sequence the feed reports changes after; null for a full enumeration. */
  since: number | null;
  /** The snapshot the pages of one enumeration share. */
  upTo: number;
  offset: number;
}

const encodeToken = (state: DeltaState) => Buffer.from(JSON.stringify(state)).toString('base64url');

function decodeToken(token: string): DeltaState | undefined {
  try {
    const state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as DeltaState;
    return typeof state.upTo === 'number' && typeof state.offset === 'number' ? state : undefined;
  } catch {
    return undefined;
  }
}

function errorBody(code: string, message: string) {
  return {
    error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID(), 'client-request-id': randomUUID() } },
  };
}

function graphError(response: ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, errorBody(code, message));
}

/** Seeded SharePoint for the conformance suite: the Engineering site's two libraries, 6 documents, the larger library's delta over 3 pages. */
export const sharepointScenario: SourceScenario<GraphProvider> = {
  type: 'sharepoint',
  start: startGraphProvider,
  config: (provider) => ({ urls: [provider.siteUrl], graphUrl: provider.url }),
  tokenCredential: (provider) => ({
    kind: 'oauth2',
    secret: { clientId: provider.tokens.clientId, clientSecret: provider.tokens.clientSecret, ...provider.tokens.grant(), tokenUrl: provider.tokenUrl },
  }),
  seeded: (provider) => [...provider.expected(provider.drives.documents), ...provider.expected(provider.drives.specs)],
  isListingPage: (request) => request.path.includes('/delta'),
  change(provider) {
    const { ids } = provider;
    provider.appendText(ids.architecture, 'Workers scale with the queue length.');
    provider.appendText(ids.api, 'Errors carry a code and a message.');
    const added = provider.addFile(ids.design, 'decisions.md', 'Decisions: Postgres and SQLite are both supported.');
    provider.deleteItem(ids.travel);
    const byId = new Map(
      [...provider.expected(provider.drives.documents), ...provider.expected(provider.drives.specs)].map((document) => [document.externalId, document]),
    );
    const expectedOf = (id: string) => byId.get(id) as ExpectedDocument;
    return { changed: [expectedOf(ids.architecture), expectedOf(ids.api)], added: expectedOf(added), deleted: ids.travel };
  },
  // The token is refused, then so is its refresh: Microsoft's token endpoint answers invalid_grant.
  revokedReason: 'The refresh token is invalid or has been revoked',
  incrementalSeesDeletions: true,
};
