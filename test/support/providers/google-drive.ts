import { createVerify, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { sendJson, startLocalServer, type RecordedRequest } from '../http-server.ts';
import { createProviderFaults, type Fault } from './faults.ts';
import type { ExpectedDocument, SaasProvider, SourceScenario } from './saas-provider.ts';
import { createTokenIssuer } from './token-issuer.ts';

/** The server caps `pageSize` this low so the seeded root folder spans three listing pages. */
const MAX_PAGE = 2;
/** What a page token of the whole-account listing names in place of a folder. */
const ALL_DRIVES_LISTING = 'allDrives';
const FOLDER = 'application/vnd.google-apps.folder';
const DOC = 'application/vnd.google-apps.document';
const SHEET = 'application/vnd.google-apps.spreadsheet';
const SLIDES = 'application/vnd.google-apps.presentation';
const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive.readonly';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** What Google exports each of its own formats as; any other export is refused. */
const EXPORTS: Record<string, string> = { [DOC]: 'text/plain', [SHEET]: 'text/csv', [SLIDES]: 'text/plain' };

interface StoredFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  /** The shared drive holding it; such files have no owners. */
  driveId?: string;
  owner?: { displayName: string; emailAddress: string };
  createdTime: string;
  modifiedTime: string;
  trashed: boolean;
  /** A Google file's export, or a stored file's bytes. */
  content: string | Uint8Array;
  /** The size Drive reports, when it is not the content's (a file too large to read). */
  reportedSize?: number;
  /** Fragments the parsed text must hold; none for the files a sync leaves out (folders, images, archives). */
  contains: string[];
}

type SeedName =
  | 'myDrive'
  | 'engineering'
  | 'handbook'
  | 'roadmap'
  | 'team'
  | 'specs'
  | 'searchDesign'
  | 'apiNotes'
  | 'onboarding'
  | 'teamPhoto'
  | 'kickoff'
  | 'archive'
  | 'status'
  | 'oldPlan'
  | 'salesDrive'
  | 'pricing'
  | 'q3'
  | 'pipeline'
  | 'elsewhere'
  | 'personalNotes';

export interface GoogleDriveProvider extends SaasProvider {
  ids: Record<SeedName, string>;
  /** The start page tokens handed out by `changes/startPageToken`, in order. */
  readonly startPageTokens: string[];
  /** Page tokens the changes feed was asked for, in order. */
  readonly changesPageTokens: string[];
  /** The `newStartPageToken`s the changes feed handed out with its last pages, in order. */
  readonly newStartPageTokens: string[];
  /** Delegated tokens issued for JWT bearer grants. */
  readonly delegatedGrants: number;
  /** API requests answered 401. */
  readonly refusals: number;
  /** Appends a line to a Google file's or a text file's content. */
  appendText(fileId: string, text: string): void;
  addFile(input: { name: string; parentId: string; mimeType: string; content: string | Uint8Array; contains?: string[]; reportedSize?: number }): string;
  trash(fileId: string): void;
  /** Deletes a file for good: the changes feed says `removed`. */
  remove(fileId: string): void;
  move(fileId: string, parentId: string): void;
  /** The `nth` changes request from now (1 for the next) answers 400 Invalid Value. */
  failChangesRequest(nth: number): void;
  /** Trusts a service account's public key for JWT bearer grants acting as users of the domain. */
  trustServiceAccount(clientEmail: string, publicKeyPem: string): void;
  /** The domain's admin revokes the service account's delegation: its tokens are refused, and so are its grants. */
  revokeServiceAccount(): void;
  /** `expires_in` of delegated tokens from now on (Google's is 3599). */
  setDelegatedLifetime(seconds: number): void;
  /** The documents a sync of these roots must give. */
  expected(rootIds: string[]): ExpectedDocument[];
  /** The documents a sync without roots must give: every readable file of the account, with an empty path. */
  expectedAll(): ExpectedDocument[];
}

const users = {
  ada: { displayName: 'Ada Lovelace', emailAddress: 'ada@example.com' },
  grace: { displayName: 'Grace Hopper', emailAddress: 'grace@example.com' },
} as const;

const newId = () => `1${randomBytes(24).toString('base64url')}`;

/**
 * A local Google Drive API v3 for the calls the reader makes: files.list (with `q`, `fields`,
 * shared-drive corpora and page tokens), files.get (metadata, `alt=media`), files.export, the changes
 * feed and its start page token, with Google's error bodies and `Retry-After`; and Google's token
 * endpoint for refresh grants and service accounts' JWT bearer grants. Seeded with a My Drive folder
 * tree of Docs, Sheets, Slides, a PDF, a DOCX, Markdown and HTML (and an image, a zip and a trashed
 * Doc that a sync leaves out), a shared drive, and a folder outside the roots.
 */
export async function startGoogleDriveProvider(): Promise<GoogleDriveProvider> {
  const tokens = createTokenIssuer('ya29.');
  const faults = createProviderFaults();
  const files = new Map<string, StoredFile>();
  /** Drive's change log: what changed at each sequence number. */
  const changeLog: Array<{ seq: number; fileId: string; time: string }> = [];
  const serviceAccounts = new Map<string, string>();
  const startPageTokens: string[] = [];
  const changesPageTokens: string[] = [];
  const newStartPageTokens: string[] = [];
  let seq = 4000;
  let failChangesAt: number | null = null;
  let serviceAccountRevoked = false;
  const delegatedTokens = new Set<string>();
  let delegatedLifetime = 3599;
  let delegatedGrants = 0;
  let refusals = 0;

  const server = await startLocalServer(async (request, response) => {
    const url = new URL(request.path, 'http://local');
    if (request.method === 'POST' && url.pathname === '/token') return answerToken(request, response);
    const fault = await faults.next();
    if (fault) return answerFault(response, fault);
    const delegationRevoked = serviceAccountRevoked && delegatedTokens.has(request.headers.authorization?.replace(/^Bearer /i, '') ?? '');
    if (delegationRevoked || tokens.check(request.headers.authorization) !== 'valid') {
      refusals += 1;
      return googleError(
        response,
        401,
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        'authError',
      );
    }
    if (request.method !== 'GET') return googleError(response, 405, 'Method not allowed.', 'methodNotAllowed');
    return route(url, response);
  });
  const tokenUrl = `${server.url}/token`;

  function route(url: URL, response: ServerResponse): void {
    const path = url.pathname;
    const allDrives = url.searchParams.get('supportsAllDrives') === 'true';
    if (path === '/drive/v3/files') return list(url, response);
    if (path === '/drive/v3/changes/startPageToken') {
      startPageTokens.push(String(seq));
      return sendJson(response, 200, { kind: 'drive#startPageToken', startPageToken: String(seq) });
    }
    if (path === '/drive/v3/changes') return changes(url, response);
    if (path === '/drive/v3/about') {
      return sendJson(
        response,
        200,
        pick({ kind: 'drive#about', user: { kind: 'drive#user', ...users.ada, me: true } }, parseFields(url.searchParams.get('fields') ?? '')),
      );
    }
    const match = /^\/drive\/v3\/files\/([^/]+)(\/export)?$/.exec(path);
    if (!match) return googleError(response, 404, 'Not Found', 'notFound');
    const id = decodeURIComponent(match[1] as string);
    const file = files.get(id);
    // Without supportsAllDrives, Drive answers as if shared drives did not exist.
    if (!file || (file.driveId && !allDrives && !match[2])) return googleError(response, 404, `File not found: ${id}.`, 'notFound');
    if (match[2]) return exportFile(file, url, response);
    if (url.searchParams.get('alt') === 'media') return download(file, response);
    sendJson(response, 200, pick(fileJson(file), parseFields(url.searchParams.get('fields') ?? 'kind,id,name,mimeType')));
  }

  function list(url: URL, response: ServerResponse): void {
    const q = url.searchParams.get('q') ?? '';
    const query = /^'([^']+)' in parents and trashed = false$/.exec(q);
    const corpora = url.searchParams.get('corpora');
    const everything = corpora === 'allDrives';
    // The whole account is listed only as `trashed = false` over every corpus; a folder's items only by its parent.
    if (everything ? q !== 'trashed = false' : !query) return googleError(response, 400, 'Invalid Value', 'invalid');
    const driveId = url.searchParams.get('driveId');
    if ((corpora === 'drive') !== (driveId !== null)) {
      return googleError(response, 400, 'The driveId parameter must be specified if and only if corpora is set to drive.', 'badRequest');
    }
    const allDrives = url.searchParams.get('supportsAllDrives') === 'true' && url.searchParams.get('includeItemsFromAllDrives') === 'true';
    if (everything && !allDrives) {
      return googleError(response, 400, 'The includeItemsFromAllDrives parameter must be set to true when corpora is set to allDrives.', 'badRequest');
    }
    if (driveId !== null && !allDrives)
      return googleError(response, 403, 'The attempted action requires shared drive support to be enabled.', 'teamDrivesParameterNotSupported');
    const folderId = query ? (query[1] as string) : ALL_DRIVES_LISTING;
    // A shared drive's items are listed only from its own corpus, or with every corpus; a drive's own root folder is not an item.
    const matching = [...files.values()]
      .filter((file) => !file.trashed && (everything ? file.parents.length > 0 : file.parents.includes(folderId) && (file.driveId ?? null) === driveId))
      .sort((a, b) => Number(b.mimeType === FOLDER) - Number(a.mimeType === FOLDER) || a.name.localeCompare(b.name));
    const start = url.searchParams.has('pageToken') ? decodePageToken(url.searchParams.get('pageToken') ?? '', folderId) : 0;
    if (start === undefined) return googleError(response, 400, 'Invalid Value', 'invalid');
    const size = Math.min(Number(url.searchParams.get('pageSize') ?? 100), MAX_PAGE);
    const page = matching.slice(start, start + size);
    const more = start + size < matching.length;
    const body = {
      kind: 'drive#fileList',
      incompleteSearch: false,
      ...(more ? { nextPageToken: encodePageToken(folderId, start + size) } : {}),
      files: page.map(fileJson),
    };
    sendJson(response, 200, pick(body, parseFields(url.searchParams.get('fields') ?? 'kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)')));
  }

  function changes(url: URL, response: ServerResponse): void {
    const token = url.searchParams.get('pageToken') ?? '';
    changesPageTokens.push(token);
    if (failChangesAt !== null && --failChangesAt === 0) {
      failChangesAt = null;
      return googleError(response, 400, 'Invalid Value', 'invalid');
    }
    const from = /^\d+$/.test(token) ? Number(token) : NaN;
    if (!(from <= seq)) return googleError(response, 400, 'Invalid Value', 'invalid');
    const allDrives = url.searchParams.get('supportsAllDrives') === 'true' && url.searchParams.get('includeItemsFromAllDrives') === 'true';
    // One change per file, its latest, as Drive lists them.
    const latest = new Map<string, { seq: number; time: string }>();
    for (const entry of changeLog) if (entry.seq > from) latest.set(entry.fileId, entry);
    const pending = [...latest.entries()]
      .map(([fileId, entry]) => ({ fileId, ...entry, file: files.get(fileId) }))
      .filter((change) => allDrives || !change.file?.driveId)
      .sort((a, b) => a.seq - b.seq);
    const size = Math.min(Number(url.searchParams.get('pageSize') ?? 100), MAX_PAGE);
    const page = pending.slice(0, size);
    const more = pending.length > size;
    if (!more) newStartPageTokens.push(String(seq));
    const body = {
      kind: 'drive#changeList',
      ...(more ? { nextPageToken: String(page.at(-1)?.seq) } : { newStartPageToken: String(seq) }),
      changes: page.map(({ fileId, time, file }) => ({
        kind: 'drive#change',
        changeType: 'file',
        time,
        fileId,
        removed: !file,
        ...(file ? { file: fileJson(file) } : {}),
      })),
    };
    sendJson(response, 200, pick(body, parseFields(url.searchParams.get('fields') ?? 'kind,nextPageToken,newStartPageToken,changes')));
  }

  function exportFile(file: StoredFile, url: URL, response: ServerResponse): void {
    const wanted = url.searchParams.get('mimeType');
    if (!EXPORTS[file.mimeType]) return googleError(response, 403, 'Export only supports Docs Editors files.', 'fileNotExportable');
    if (wanted !== EXPORTS[file.mimeType]) return googleError(response, 400, 'The requested conversion is not supported.', 'badRequest');
    // Google starts a Doc's plain-text export with a byte order mark.
    const body = file.mimeType === DOC ? `\ufeff${String(file.content)}` : String(file.content);
    response.writeHead(200, { 'content-type': `${wanted}; charset=utf-8` });
    response.end(body);
  }

  function download(file: StoredFile, response: ServerResponse): void {
    if (EXPORTS[file.mimeType]) {
      return googleError(response, 403, 'Only files with binary content can be downloaded. Use Export with Docs Editors files.', 'fileNotDownloadable');
    }
    response.writeHead(200, { 'content-type': file.mimeType });
    response.end(typeof file.content === 'string' ? file.content : Buffer.from(file.content));
  }

  function answerToken(request: RecordedRequest, response: ServerResponse): void {
    const form = new URLSearchParams(request.body);
    if (form.get('grant_type') === JWT_BEARER) return answerJwtBearer(form.get('assertion') ?? '', response);
    // The API token is never sent: its verdict only tells whether the issuer revoked everything.
    if (tokens.check(`Bearer ${tokens.apiToken}`) === 'revoked') {
      return sendJson(response, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    }
    tokens.answerTokenRequest(request, response, (body) => ({ ...body, scope: DRIVE_SCOPE }));
  }

  /** RFC 7523 as Google answers it: the assertion's RS256 signature by a trusted service account, its audience, lifetime, scope and subject. */
  function answerJwtBearer(assertion: string, response: ServerResponse): void {
    const invalid = (description: string) => sendJson(response, 400, { error: 'invalid_grant', error_description: description });
    const [header = '', payload = '', signature = ''] = assertion.split('.');
    let claims: { iss?: string; sub?: string; aud?: string; scope?: string; iat?: number; exp?: number };
    try {
      if (JSON.parse(Buffer.from(header, 'base64url').toString()).alg !== 'RS256') return invalid('Invalid JWT Signature.');
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    } catch {
      return invalid('Invalid JWT Signature.');
    }
    const publicKey = serviceAccounts.get(claims.iss ?? '');
    if (!publicKey || !createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, signature, 'base64url')) {
      return invalid('Invalid JWT Signature.');
    }
    if (claims.aud !== tokenUrl) return invalid(`Invalid JWT: Failed audience check. The right audience is ${tokenUrl}`);
    const now = Date.now() / 1000;
    if (!claims.exp || !claims.iat || claims.exp < now || claims.exp - claims.iat > 3600) {
      return invalid(
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      );
    }
    if (serviceAccountRevoked || !claims.scope?.split(' ').includes(DRIVE_SCOPE)) {
      return sendJson(response, 401, {
        error: 'unauthorized_client',
        error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
      });
    }
    if (!Object.values(users).some((user) => user.emailAddress === claims.sub)) return invalid('Invalid email or User ID');
    delegatedGrants += 1;
    const { accessToken } = tokens.grant();
    delegatedTokens.add(accessToken);
    sendJson(response, 200, { access_token: accessToken, expires_in: delegatedLifetime, token_type: 'Bearer' });
  }

  function fileJson(file: StoredFile) {
    const size = file.reportedSize ?? (EXPORTS[file.mimeType] || file.mimeType === FOLDER ? undefined : Buffer.byteLength(file.content));
    return {
      kind: 'drive#file',
      id: file.id,
      name: file.name,
      mimeType: file.mimeType,
      parents: file.parents,
      trashed: file.trashed,
      createdTime: file.createdTime,
      modifiedTime: file.modifiedTime,
      webViewLink: webViewLink(file),
      ...(size === undefined ? {} : { size: String(size) }),
      ...(file.driveId ? { driveId: file.driveId } : {}),
      ...(file.owner ? { owners: [{ kind: 'drive#user', ...file.owner, me: false }] } : {}),
    };
  }

  function answerFault(response: ServerResponse, fault: Fault): void {
    if (fault.kind === 'rateLimit') {
      response.writeHead(429, { 'content-type': 'application/json; charset=UTF-8', 'retry-after': String(fault.retryAfterSeconds) });
      response.end(JSON.stringify(errorBody(429, 'Rate Limit Exceeded', 'rateLimitExceeded', 'usageLimits')));
      return;
    }
    googleError(
      response,
      fault.status,
      fault.status === 503 ? 'The service is currently unavailable.' : 'Internal Error',
      fault.status === 503 ? 'backendError' : 'internalError',
    );
  }

  function logChange(fileId: string): void {
    seq += 1;
    changeLog.push({ seq, fileId, time: new Date().toISOString() });
  }

  function changed(file: StoredFile): void {
    file.modifiedTime = new Date().toISOString();
    logChange(file.id);
  }

  function stored(id: string): StoredFile {
    const file = files.get(id);
    if (!file) throw new Error(`no file ${id}`);
    return file;
  }

  const ids = await seed(files);

  /** Files a sync stores: not trashed, not folders, and of a type Tributary parses. */
  const readable = () => [...files.values()].filter((file) => !file.trashed && file.mimeType !== FOLDER && file.contains.length > 0);

  /** The path of a folder below one of the roots, or undefined when it is not under them. */
  function pathUnder(folderId: string, roots: Set<string>): string | undefined {
    const names: string[] = [];
    for (let id: string | undefined = folderId; id !== undefined; id = files.get(id)?.parents[0]) {
      if (roots.has(id)) return names.reverse().join('/');
      const folder = files.get(id);
      if (!folder || folder.trashed) return undefined;
      names.push(folder.name);
    }
    return undefined;
  }

  return {
    url: server.url,
    tokenUrl,
    requests: server.requests,
    tokens,
    faults,
    ids,
    startPageTokens,
    changesPageTokens,
    newStartPageTokens,
    get delegatedGrants() {
      return delegatedGrants;
    },
    get refusals() {
      return refusals;
    },
    appendText(fileId, text) {
      const file = stored(fileId);
      file.content = `${String(file.content)}\n${text}`;
      file.contains.push(text);
      changed(file);
    },
    addFile(input) {
      const parent = stored(input.parentId);
      const id = newId();
      const now = new Date().toISOString();
      files.set(id, {
        id,
        name: input.name,
        mimeType: input.mimeType,
        parents: [input.parentId],
        ...(parent.driveId ? { driveId: parent.driveId } : { owner: users.grace }),
        createdTime: now,
        modifiedTime: now,
        trashed: false,
        content: input.content,
        ...(input.reportedSize === undefined ? {} : { reportedSize: input.reportedSize }),
        contains: input.contains ?? [],
      });
      logChange(id);
      return id;
    },
    trash(fileId) {
      const file = stored(fileId);
      file.trashed = true;
      changed(file);
    },
    remove(fileId) {
      stored(fileId);
      files.delete(fileId);
      logChange(fileId);
    },
    move(fileId, parentId) {
      const file = stored(fileId);
      file.parents = [parentId];
      changed(file);
    },
    failChangesRequest(nth) {
      failChangesAt = nth;
    },
    trustServiceAccount(clientEmail, publicKeyPem) {
      serviceAccounts.set(clientEmail, publicKeyPem);
    },
    revokeServiceAccount() {
      serviceAccountRevoked = true;
    },
    setDelegatedLifetime(seconds) {
      delegatedLifetime = seconds;
    },
    expected(rootIds) {
      const roots = new Set(rootIds);
      return readable().flatMap((file) => {
        const path = roots.has(file.id) ? '' : pathUnder(file.parents[0] ?? '', roots);
        return path === undefined ? [] : [expectedDocument(file, path)];
      });
    },
    expectedAll: () => readable().map((file) => expectedDocument(file, '')),
    close: () => server.close(),
  };
}

/**
 * The seeded Drive, with times in the past so an incremental sync sees only later changes:
 * My Drive > Engineering (Handbook Doc, Roadmap Sheet, Kickoff Slides, Status.html, Archive.zip, a
 * trashed Doc, and Team > Onboarding.md, a photo, Specs > Search design.pdf, API notes.docx); a shared
 * drive Sales (Pricing.txt, Q3 > Pipeline Sheet); and My Drive > Elsewhere, outside the roots.
 */
async function seed(files: Map<string, StoredFile>): Promise<GoogleDriveProvider['ids']> {
  const at = (day: number) => `2024-05-${String(day).padStart(2, '0')}T10:00:00.000Z`;
  let day = 1;
  const add = (
    name: string,
    mimeType: string,
    parent: string | null,
    content: string | Uint8Array = '',
    contains: string[] = [],
    extra: Partial<StoredFile> = {},
  ) => {
    const id = extra.id ?? newId();
    const driveId = parent ? files.get(parent)?.driveId : extra.driveId;
    files.set(id, {
      id,
      name,
      mimeType,
      parents: parent ? [parent] : [],
      ...(driveId ? { driveId } : { owner: users.ada }),
      createdTime: at(day),
      modifiedTime: at(day + 1),
      trashed: false,
      content,
      contains,
      ...extra,
    });
    day += 1;
    return id;
  };

  const myDrive = add('My Drive', FOLDER, null, '', [], { id: `0A${randomBytes(12).toString('base64url')}Uk9PVA` });
  const engineering = add('Engineering', FOLDER, myDrive);
  const handbook = add('Handbook', DOC, engineering, 'Engineering Handbook\r\nWe write things down before we build them.\r\nEvery change gets a review.', [
    'We write things down',
    'Every change gets a review',
  ]);
  const roadmap = add('Roadmap', SHEET, engineering, 'Quarter,Goal\r\nQ1,Ship search\r\nQ2,Ship sync', ['Quarter,Goal', 'Q2,Ship sync']);
  const kickoff = add('Kickoff', SLIDES, engineering, 'Project kickoff\n\nGoals for the quarter', ['Goals for the quarter']);
  const status = add('Status.html', 'text/html', engineering, '<html><body><h1>Status</h1><p>All systems normal.</p></body></html>', ['All systems normal.']);
  const archive = add('Archive.zip', 'application/zip', engineering, new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
  const oldPlan = add('Old plan', DOC, engineering, 'Nothing to see.', [], { trashed: true });
  const team = add('Team', FOLDER, engineering);
  const onboarding = add('Onboarding.md', 'text/markdown', team, '# Onboarding\n\nYour first week: **accounts**, laptop and a buddy.', [
    'Your first week: accounts, laptop and a buddy.',
  ]);
  const teamPhoto = add('Team photo.png', 'image/png', team, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const specs = add('Specs', FOLDER, team);
  const searchDesign = add('Search design.pdf', PDF, specs, await pdfOf('Search design: rank by freshness'), ['rank by freshness']);
  const apiNotes = add('API notes.docx', DOCX, specs, await docxOf('API notes: version every endpoint'), ['version every endpoint']);

  const salesDrive = `0A${randomBytes(12).toString('base64url')}Uk9PVA`;
  add('Drive', FOLDER, null, '', [], { id: salesDrive, driveId: salesDrive });
  const pricing = add('Pricing.txt', 'text/plain', salesDrive, 'Pricing: per seat, billed yearly.', ['per seat, billed yearly']);
  const q3 = add('Q3', FOLDER, salesDrive);
  const pipeline = add('Pipeline', SHEET, q3, 'Account,Stage\r\nAcme,Won', ['Acme,Won']);

  const elsewhere = add('Elsewhere', FOLDER, myDrive);
  const personalNotes = add('Personal notes.txt', 'text/plain', elsewhere, 'Buy milk.', ['Buy milk.']);
  return {
    myDrive,
    engineering,
    handbook,
    roadmap,
    team,
    specs,
    searchDesign,
    apiNotes,
    onboarding,
    teamPhoto,
    kickoff,
    archive,
    status,
    oldPlan,
    salesDrive,
    pricing,
    q3,
    pipeline,
    elsewhere,
    personalNotes,
  };
}

async function pdfOf(text: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.addPage().drawText(text, { font: await pdf.embedFont(StandardFonts.Helvetica), x: 50, y: 700, size: 14 });
  return pdf.save();
}

async function docxOf(text: string): Promise<Uint8Array> {
  const docx = new Document({ sections: [{ children: [new Paragraph({ children: [new TextRun(text)] })] }] });
  return new Uint8Array(await Packer.toBuffer(docx));
}

function expectedDocument(file: StoredFile, path: string): ExpectedDocument {
  return {
    externalId: file.id,
    title: file.name,
    url: webViewLink(file),
    contains: file.contains,
    metadata: { owners: file.owner?.displayName ?? '', modified: file.modifiedTime, created: file.createdTime, mimeType: file.mimeType, path },
  };
}

function webViewLink(file: StoredFile): string {
  switch (file.mimeType) {
    case DOC:
      return `https://docs.google.com/document/d/${file.id}/edit?usp=drivesdk`;
    case SHEET:
      return `https://docs.google.com/spreadsheets/d/${file.id}/edit?usp=drivesdk`;
    case SLIDES:
      return `https://docs.google.com/presentation/d/${file.id}/edit?usp=drivesdk`;
    case FOLDER:
      return `https://drive.google.com/drive/folders/${file.id}`;
    default:
      return `https://drive.google.com/file/d/${file.id}/view?usp=drivesdk`;
  }
}

/** Drive's page tokens are opaque; this one names its folder so a token from another listing is refused. */
function encodePageToken(folderId: string, offset: number): string {
  return Buffer.from(JSON.stringify([folderId, offset])).toString('base64url');
}

function decodePageToken(token: string, folderId: string): number | undefined {
  try {
    const [folder, offset] = JSON.parse(Buffer.from(token, 'base64url').toString()) as [string, number];
    return folder === folderId && Number.isInteger(offset) ? offset : undefined;
  } catch {
    return undefined;
  }
}

/** A partial-response `fields` selector, `nextPageToken,files(id,owners(displayName))`, as a tree. */
type FieldTree = { [name: string]: FieldTree | true };

function parseFields(spec: string): FieldTree {
  const tree: FieldTree = {};
  const add = (part: string) => {
    const trimmed = part.trim();
    if (!trimmed) return;
    const open = trimmed.indexOf('(');
    if (open === -1) tree[trimmed] = true;
    else tree[trimmed.slice(0, open)] = parseFields(trimmed.slice(open + 1, -1));
  };
  let depth = 0;
  let start = 0;
  for (let index = 0; index < spec.length; index += 1) {
    if (spec[index] === '(') depth += 1;
    else if (spec[index] === ')') depth -= 1;
    else if (spec[index] === ',' && depth === 0) {
      add(spec.slice(start, index));
      start = index + 1;
    }
  }
  add(spec.slice(start));
  return tree;
}

/** Only the selected fields, as Drive answers a request with `fields`. */
function pick(value: unknown, tree: FieldTree | true): unknown {
  if (tree === true || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => pick(item, tree));
  const picked: Record<string, unknown> = {};
  for (const [name, sub] of Object.entries(tree)) {
    if (name in value) picked[name] = pick((value as Record<string, unknown>)[name], sub);
  }
  return picked;
}

const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

function errorBody(code: number, message: string, reason: string, domain = 'global') {
  return { error: { code, message, errors: [{ message, domain, reason }], status: statusNames[code] ?? 'UNKNOWN' } };
}

function googleError(response: ServerResponse, code: number, message: string, reason: string): void {
  sendJson(response, code, errorBody(code, message, reason));
}

/** Seeded Drive for the conformance suite: a My Drive folder and a shared drive as roots, 9 documents over several listing pages. */
export const googleDriveScenario: SourceScenario<GoogleDriveProvider> = {
  type: 'google_drive',
  start: startGoogleDriveProvider,
  config: (provider) => ({ rootFileId: provider.ids.engineering, rootItemIds: [provider.ids.salesDrive], apiUrl: provider.url }),
  tokenCredential: (provider) => ({
    kind: 'oauth2',
    secret: { clientId: provider.tokens.clientId, clientSecret: provider.tokens.clientSecret, ...provider.tokens.grant(), tokenUrl: provider.tokenUrl },
  }),
  seeded: (provider) => provider.expected([provider.ids.engineering, provider.ids.salesDrive]),
  isListingPage: (request) => request.method === 'GET' && request.path.startsWith('/drive/v3/files?'),
  change(provider) {
    const { handbook, pricing, team, kickoff, engineering, salesDrive } = provider.ids;
    provider.appendText(handbook, 'On-call rotates every Monday.');
    provider.appendText(pricing, 'Discounts need approval.');
    const added = provider.addFile({
      name: 'Retro.md',
      parentId: team,
      mimeType: 'text/markdown',
      content: '# Retro\n\nThe outage lasted twelve minutes.',
      contains: ['The outage lasted twelve minutes.'],
    });
    provider.trash(kickoff);
    const byId = new Map(provider.expected([engineering, salesDrive]).map((document) => [document.externalId, document]));
    const expectedOf = (id: string) => byId.get(id) as ExpectedDocument;
    return { changed: [expectedOf(handbook), expectedOf(pricing)], added: expectedOf(added), deleted: kickoff };
  },
  revokedReason: 'Token has been expired or revoked.',
  incrementalSeesDeletions: true,
};
