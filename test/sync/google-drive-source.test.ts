import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedCredential } from '../../connectors/connector-definition.ts';
import { googleDrive, googleDriveConfigSchema } from '../../connectors/google_drive/index.ts';
import { SourceHttpError } from '../../connectors/http/source-errors.ts';
import { impersonatedGoogleDrive, impersonatedGoogleDriveConfigSchema } from '../../connectors/impersonated_google_drive/index.ts';
import type { Source, SourceDocument } from '../../connectors/source.ts';
import { eventually, startControlPlane, type ControlPlane, syncToEnd } from '../support/control-plane.ts';
import { dialects } from '../support/databases.ts';
import { googleDriveScenario, startGoogleDriveProvider, type GoogleDriveProvider } from '../support/providers/google-drive.ts';
import { directReadContext, readEveryPage } from '../support/read-context.ts';
import { createBoundConnector, describeSourceConformance, expectExactly, storedDocuments } from '../support/source-conformance.ts';

describeSourceConformance(googleDriveScenario, 'postgres');

describe('the Google Drive reader', () => {
  let provider: GoogleDriveProvider;

  beforeAll(async () => {
    provider = await startGoogleDriveProvider();
  });
  afterAll(async () => {
    await provider?.close();
  });

  it('exports Docs and Slides as text and Sheets as CSV, downloads other files, and leaves out images, archives and the trash', async () => {
    const { ids } = provider;
    const before = provider.requests.length;
    const documents = (await readEveryPage(openReader())).flatMap((page) => page.documents);
    expect(documents.map((document) => document.externalId).sort()).toEqual(
      [ids.handbook, ids.roadmap, ids.kickoff, ids.status, ids.onboarding, ids.searchDesign, ids.apiNotes, ids.pricing, ids.pipeline].sort(),
    );
    const byId = (id: string) => documents.find((document) => document.externalId === id) as SourceDocument;
    // The Doc's byte order mark is gone; its text is Google's export.
    expect(textOf(byId(ids.handbook))).toMatch(/^Engineering Handbook\r\nWe write things down/);
    expect(byId(ids.handbook)).toMatchObject({
      mimeType: 'text/plain',
      title: 'Handbook',
      url: `https://docs.google.com/document/d/${ids.handbook}/edit?usp=drivesdk`,
    });
    expect(byId(ids.roadmap)).toMatchObject({ mimeType: 'text/csv', metadata: { mimeType: 'application/vnd.google-apps.spreadsheet', path: '' } });
    expect(textOf(byId(ids.roadmap))).toBe('Quarter,Goal\r\nQ1,Ship search\r\nQ2,Ship sync');
    const searchDesign = provider.expected([ids.engineering]).find((document) => document.externalId === ids.searchDesign);
    expect(byId(ids.searchDesign)).toMatchObject({ mimeType: 'application/pdf', metadata: searchDesign?.metadata, updatedAt: searchDesign?.metadata.modified });
    expect(byId(ids.searchDesign).metadata).toMatchObject({ path: 'Team/Specs', owners: 'Ada Lovelace', mimeType: 'application/pdf' });
    // Shared drive files belong to the drive, not to a person.
    expect(byId(ids.pipeline).metadata).toMatchObject({ path: 'Q3', owners: '' });

    const urls = provider.requests.slice(before).map((request) => new URL(request.path, provider.url));
    const exports = urls.filter((url) => url.pathname.endsWith('/export'));
    expect(Object.fromEntries(exports.map((url) => [fileIdOf(url), url.searchParams.get('mimeType')]))).toEqual({
      [ids.handbook]: 'text/plain',
      [ids.kickoff]: 'text/plain',
      [ids.roadmap]: 'text/csv',
      [ids.pipeline]: 'text/csv',
    });
    const downloads = urls.filter((url) => url.searchParams.get('alt') === 'media');
    expect(downloads.every((url) => url.searchParams.get('supportsAllDrives') === 'true')).toBe(true);
    // Not the photo nor the archive: types Tributary cannot parse are not fetched.
    expect(downloads.map((url) => fileIdOf(url)).sort()).toEqual([ids.status, ids.onboarding, ids.searchDesign, ids.apiNotes, ids.pricing].sort());
    // The shared drive is listed as its own corpus; My Drive folders are not.
    const listings = urls.filter((url) => url.pathname === '/drive/v3/files');
    const inSharedDrive = listings.filter((url) => [ids.salesDrive, ids.q3].some((id) => url.searchParams.get('q')?.startsWith(`'${id}'`)));
    expect(inSharedDrive.map((url) => [url.searchParams.get('corpora'), url.searchParams.get('driveId')])).toEqual([
      ['drive', ids.salesDrive],
      ['drive', ids.salesDrive],
    ]);
    expect(listings.filter((url) => url.searchParams.get('q')?.startsWith(`'${ids.engineering}'`)).every((url) => !url.searchParams.has('corpora'))).toBe(true);
    for (const url of listings) expect(url.searchParams.get('includeItemsFromAllDrives')).toBe('true');

    // A prune lists the same files, without reading them.
    const listed: string[] = [];
    for await (const batch of openReader().listIds?.() ?? []) listed.push(...batch);
    expect(listed.sort()).toEqual(documents.map((document) => document.externalId).sort());
  });

  it('resumes the folder walk from small checkpoints that hold folder ids and page tokens, and hands out the start token taken first', async () => {
    const before = provider.requests.length;
    const pages = [await openReader().read(null)];
    // Each page starts from a checkpoint that went through JSON, as it does through the job row.
    while (pages.at(-1)?.next) pages.push(await openReader().read(JSON.parse(JSON.stringify(pages.at(-1)?.next))));
    const checkpoints = pages.map((page) => page.next).filter((next) => next !== null);
    expect(checkpoints.length).toBeGreaterThanOrEqual(5);
    for (const checkpoint of checkpoints) {
      expect(JSON.stringify(checkpoint).length).toBeLessThan(600);
      expect(JSON.stringify(checkpoint)).not.toContain(provider.url);
    }
    expect(checkpoints.some((checkpoint) => checkpoint.pageToken !== null)).toBe(true);
    expect(pages.flatMap((page) => page.documents)).toHaveLength(9);
    expect(pages.slice(0, -1).every((page) => page.nextCursor === undefined)).toBe(true);
    expect(pages.at(-1)?.nextCursor).toBe(provider.startPageTokens.at(-1));
    const paths = provider.requests.slice(before).map((request) => request.path);
    expect(paths.findIndex((path) => path.startsWith('/drive/v3/changes/startPageToken'))).toBe(0);
    expect(paths.filter((path) => path.startsWith('/drive/v3/changes/startPageToken'))).toHaveLength(1);
  });

  it('skips a file over the document limit with its reason, without downloading it', async () => {
    const huge = provider.addFile({
      name: 'Scans.pdf',
      parentId: provider.ids.specs,
      mimeType: 'application/pdf',
      content: '%PDF-1.7',
      reportedSize: 300 * 1024 * 1024,
    });
    const before = provider.requests.length;
    const pages = await readEveryPage(openReader());
    expect(pages.flatMap((page) => page.skipped ?? [])).toEqual([
      { externalId: huge, reason: '300 MiB is over the 25 MiB document limit (TRIBUTARY_MAX_DOCUMENT_BYTES)' },
    ]);
    expect(provider.requests.slice(before).some((request) => request.path.includes(huge))).toBe(false);
    provider.remove(huge);
  });

  it('reads the changes feed from the cursor it is given: changes, trashed and removed files, and files moved out of the roots', async () => {
    const { ids } = provider;
    const cursor = (await readEveryPage(openReader())).at(-1)?.nextCursor as string;
    provider.appendText(ids.onboarding, 'Bring an umbrella.');
    provider.move(ids.searchDesign, ids.elsewhere);
    provider.trash(ids.status);
    provider.remove(ids.archive);
    provider.appendText(ids.personalNotes, 'And bread.');
    const pages = await readEveryPage(openReader(cursor));
    expect(provider.changesPageTokens.slice(-pages.length)[0]).toBe(cursor);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.flatMap((page) => page.documents).map((document) => [document.externalId, document.metadata.path])).toEqual([[ids.onboarding, 'Team']]);
    expect(pages.flatMap((page) => page.deleted ?? []).sort()).toEqual([ids.searchDesign, ids.status, ids.archive, ids.personalNotes].sort());
    expect(pages.at(-1)?.nextCursor).toMatch(/^\d+$/);
    expect(pages.at(-1)?.nextCursor).not.toBe(cursor);
  });

  it('fails with Google’s status and message, as a 401 the sync treats as a refused credential, when the token is refused', async () => {
    const failure = await openReader(null, { kind: 'oauth2', secret: { clientId: 'x', clientSecret: 'y', accessToken: 'ya29.revoked' } })
      .read(null)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceHttpError);
    expect(failure).toMatchObject({
      status: 401,
      message: expect.stringMatching(
        /^Google Drive \(\/drive\/v3\/changes\/startPageToken\) answered 401 UNAUTHENTICATED: Request had invalid authentication credentials\./,
      ),
    });
  });

  it('renews a delegated token about to expire before sending a request, not after Google refuses it', async () => {
    const serviceAccount = newServiceAccount(provider);
    provider.setDelegatedLifetime(30);
    const grantsBefore = provider.delegatedGrants;
    const refusalsBefore = provider.refusals;
    const config = impersonatedGoogleDriveConfigSchema.parse({
      rootFileId: provider.ids.team,
      apiUrl: provider.url,
      targetAccount: 'ada@example.com',
      tokenUrl: provider.tokenUrl,
    });
    const source = impersonatedGoogleDrive.openSource(directReadContext(config, { credential: serviceAccount }));
    expect((await readEveryPage(source)).flatMap((page) => page.documents)).toHaveLength(provider.expected([provider.ids.team]).length);
    provider.setDelegatedLifetime(3599);
    // Each token came with 30 s to live, under the minute of margin: one read asked for several, and Drive refused none.
    expect(provider.delegatedGrants - grantsBefore).toBeGreaterThan(2);
    expect(provider.refusals).toBe(refusalsBefore);
  });

  function openReader(sourceCursor: string | null = null, credential: OpenedCredential = oauthCredential(provider)): Source {
    const config = googleDriveConfigSchema.parse({ rootFileId: provider.ids.engineering, rootItemIds: [provider.ids.salesDrive], apiUrl: provider.url });
    return googleDrive.openSource(directReadContext(config, { credential, sourceCursor }));
  }
});

describe('Google Drive syncs', () => {
  let plane: ControlPlane;
  let provider: GoogleDriveProvider;

  beforeAll(async () => {
    [plane, provider] = await Promise.all([startControlPlane(dialects[0]), startGoogleDriveProvider()]);
  });
  afterAll(async () => {
    await plane?.close();
    await provider?.close();
  });

  const sync = (connectorId: string, mode: 'full' | 'incremental') => syncToEnd(plane, connectorId, mode);

  const roots = () => [provider.ids.engineering, provider.ids.salesDrive];
  const config = () => ({ rootFileId: provider.ids.engineering, rootItemIds: [provider.ids.salesDrive], apiUrl: provider.url });

  describe('by OAuth', () => {
    let connectorId: string;

    it('stores a Doc’s exported text, a Sheet as CSV and the parsed text of a PDF and a DOCX', async () => {
      connectorId = await createBoundConnector(plane, {
        type: 'google_drive',
        name: 'Drive',
        config: config(),
        credential: googleDriveScenario.tokenCredential(provider),
      });
      const job = await sync(connectorId, 'full');
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', progress: { collected: 9, indexed: 9, failed: 0 } });
      const stored = await storedDocuments(plane, connectorId);
      const contentOf = (id: string) => stored.find((document) => document.externalId === id)?.content;
      expect(contentOf(provider.ids.handbook)).toBe('Engineering Handbook\r\nWe write things down before we build them.\r\nEvery change gets a review.');
      expect(contentOf(provider.ids.pipeline)).toBe('Account,Stage\r\nAcme,Won');
      expect(contentOf(provider.ids.searchDesign)).toContain('Search design: rank by freshness');
      expect(contentOf(provider.ids.apiNotes)?.trim()).toBe('API notes: version every endpoint');
      expect(contentOf(provider.ids.onboarding)?.trim()).toBe('Onboarding\n\nYour first week: accounts, laptop and a buddy.');
    });

    it('sends the stored cursor on an incremental sync and deletes a file moved out of the roots', async () => {
      const cursor = provider.startPageTokens.at(-1);
      provider.move(provider.ids.apiNotes, provider.ids.elsewhere);
      provider.appendText(provider.ids.roadmap, 'Q3,Ship prune');
      const job = await sync(connectorId, 'incremental');
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', mode: 'incremental', progress: { indexed: 1, deleted: 1, failed: 0 } });
      expect(provider.changesPageTokens[0]).toBe(cursor);
      expectExactly(await storedDocuments(plane, connectorId), provider.expected(roots()));
    });

    it('keeps the cursor of the last successful sync when an incremental one fails, so the next reads every change', async () => {
      const cursor = provider.newStartPageTokens.at(-1);
      provider.appendText(provider.ids.handbook, 'Reviews take a day.');
      provider.appendText(provider.ids.pricing, 'Prices rise in May.');
      provider.move(provider.ids.apiNotes, provider.ids.specs);
      const changesBefore = provider.changesPageTokens.length;
      provider.failChangesRequest(2);
      const failed = await sync(connectorId, 'incremental');
      expect(failed, JSON.stringify(failed)).toMatchObject({ status: 'failed', error: expect.stringContaining('400 INVALID_ARGUMENT: Invalid Value') });
      expect(provider.changesPageTokens.slice(changesBefore)).toEqual([cursor, expect.any(String)]);

      const changesAfterFailure = provider.changesPageTokens.length;
      const job = await sync(connectorId, 'incremental');
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', mode: 'incremental' });
      expect(provider.changesPageTokens[changesAfterFailure]).toBe(cursor);
      expectExactly(await storedDocuments(plane, connectorId), provider.expected(roots()));
    });
  });

  describe('through domain-wide delegation', () => {
    let connectorId: string;

    it('reads the target account’s Drive with a delegated token from a signed JWT bearer grant', async () => {
      const serviceAccount = newServiceAccount(provider);
      connectorId = await createBoundConnector(plane, {
        type: 'impersonated_google_drive',
        name: 'Drive as Ada',
        config: { ...config(), targetAccount: 'ada@example.com', tokenUrl: provider.tokenUrl },
        credential: serviceAccount,
        schedules: true,
      });
      const grantsBefore = provider.delegatedGrants;
      const job = await sync(connectorId, 'full');
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', progress: { failed: 0 } });
      expectExactly(await storedDocuments(plane, connectorId), provider.expected(roots()));
      // One token serves every page of the sync.
      expect(provider.delegatedGrants - grantsBefore).toBe(1);
    });

    it('asks for a new delegated token once when Google refuses the one it holds mid-sync', async () => {
      const refusalsBefore = provider.refusals;
      const grantsBefore = provider.delegatedGrants;
      provider.tokens.expireAccessTokensAfter(3);
      const job = await sync(connectorId, 'full');
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', progress: { failed: 0 } });
      expect(provider.refusals).toBeGreaterThan(refusalsBefore);
      expect(provider.delegatedGrants - grantsBefore).toBe(1);
      expectExactly(await storedDocuments(plane, connectorId), provider.expected(roots()));
    });

    it('fails the sync and disconnects the connector with Google’s reason when the delegation is revoked', async () => {
      provider.revokeServiceAccount();
      const job = await sync(connectorId, 'full');
      expect(job.status, JSON.stringify(job)).toBe('failed');
      expect(job.error).toContain('unauthorized_client: Client is unauthorized to retrieve access tokens');
      const connector = await eventually(async () => {
        const found = (await plane.request('GET', `/v1/connectors/${connectorId}`)).body.data;
        expect(found.state).toBe('disconnected');
        return found;
      });
      expect(connector.stateReason).toContain('unauthorized_client');
    });
  });
});

describe('Google Drive syncs without roots', () => {
  let plane: ControlPlane;
  let provider: GoogleDriveProvider;
  let connectorId: string;

  beforeAll(async () => {
    [plane, provider] = await Promise.all([startControlPlane(dialects[0]), startGoogleDriveProvider()]);
  });
  afterAll(async () => {
    await plane?.close();
    await provider?.close();
  });

  // `apiUrl` only points the connector at the local Drive; nothing else is configured.
  const config = () => ({ apiUrl: provider.url });

  it('checks the credential through `about` and stores every file the account can read, shared drives included, from one flat listing', async () => {
    const before = provider.requests.length;
    connectorId = await createBoundConnector(plane, {
      type: 'google_drive',
      name: 'Whole Drive',
      config: config(),
      credential: googleDriveScenario.tokenCredential(provider),
    });
    expect(provider.requests.slice(before).map((request) => request.path)).toContain('/drive/v3/about?fields=user');
    const expected = provider.expectedAll();
    // More than any root of the other cases: the folder outside them and the shared drive as well.
    expect(expected.map((document) => document.externalId)).toEqual(expect.arrayContaining([provider.ids.personalNotes, provider.ids.pipeline]));

    const listedFrom = provider.requests.length;
    const job = await syncToEnd(plane, connectorId, 'full');
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', progress: { collected: expected.length, indexed: expected.length, failed: 0 } });
    expectExactly(await storedDocuments(plane, connectorId), expected);
    const listings = provider.requests
      .slice(listedFrom)
      .map((request) => new URL(request.path, provider.url))
      .filter((url) => url.pathname === '/drive/v3/files');
    expect(listings.length).toBeGreaterThanOrEqual(3);
    for (const url of listings) {
      expect(url.searchParams.get('q')).toBe('trashed = false');
      expect(url.searchParams.get('corpora')).toBe('allDrives');
    }
  });

  it('mirrors a change anywhere in the account and a deletion incrementally, and a prune lists the same files', async () => {
    const cursor = provider.startPageTokens.at(-1);
    provider.appendText(provider.ids.personalNotes, 'And bread.');
    provider.remove(provider.ids.status);
    provider.trash(provider.ids.kickoff);
    const changesFrom = provider.changesPageTokens.length;
    const job = await syncToEnd(plane, connectorId, 'incremental');
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', mode: 'incremental', progress: { indexed: 1, deleted: 2, failed: 0 } });
    expect(provider.changesPageTokens[changesFrom]).toBe(cursor);
    expectExactly(await storedDocuments(plane, connectorId), provider.expectedAll());

    const source = googleDrive.openSource(directReadContext(googleDriveConfigSchema.parse(config()), { credential: oauthCredential(provider) }));
    const listed: string[] = [];
    for await (const batch of source.listIds?.() ?? []) listed.push(...batch);
    expect(listed.sort()).toEqual(
      provider
        .expectedAll()
        .map((document) => document.externalId)
        .sort(),
    );
  });
});

function oauthCredential(provider: GoogleDriveProvider): OpenedCredential {
  return { kind: 'oauth2', secret: { clientId: provider.tokens.clientId, clientSecret: provider.tokens.clientSecret, ...provider.tokens.grant() } };
}

/** A service account whose public key the provider trusts, as a `service_account` credential. */
function newServiceAccount(provider: GoogleDriveProvider): { kind: 'service_account'; secret: { clientEmail: string; privateKey: string } } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = `sync-${Math.random().toString(36).slice(2, 8)}@acme.iam.gserviceaccount.com`;
  provider.trustServiceAccount(clientEmail, publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return { kind: 'service_account', secret: { clientEmail, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } };
}

/** The file id of a `/drive/v3/files/{id}...` request. */
function fileIdOf(url: URL): string {
  return url.pathname.split('/')[4] ?? '';
}

function textOf(document: SourceDocument): string {
  return typeof document.body === 'string' ? document.body : Buffer.from(document.body).toString('utf8');
}
