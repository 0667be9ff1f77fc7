import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SourceRefusedError } from '../../connectors/http/source-errors.ts';
import { htmlToText } from '../../connectors/salesforce/documents.ts';
import { salesforce, salesforceConfigSchema } from '../../connectors/salesforce/index.ts';
import { recordsQuery, soqlDateTime } from '../../connectors/salesforce/soql.ts';
import type { Source, SourceDocument } from '../../connectors/source.ts';
import { startControlPlane, type ControlPlane, syncToEnd } from '../support/control-plane.ts';
import type { RecordedRequest } from '../support/http-server.ts';
import { salesforceScenario, seededSalesforceProvider, type SalesforceProvider } from '../support/providers/salesforce.ts';
import { directReadContext, readEveryPage } from '../support/read-context.ts';
import { createBoundConnector, describeSourceConformance, storedDocuments } from '../support/source-conformance.ts';

describeSourceConformance(salesforceScenario, 'postgres');

const queryOf = (request: RecordedRequest) => new URL(request.path, 'http://local').searchParams.get('q');
const isQuery = (request: RecordedRequest) => request.path.startsWith('/services/data/v61.0/query?');
const isDeletedWindow = (request: RecordedRequest) => /\/sobjects\/\w+\/deleted\/\?/.test(request.path);

describe('the Salesforce reader', () => {
  let provider: SalesforceProvider | undefined;
  afterEach(async () => {
    await provider?.close();
    provider = undefined;
  });

  it('queries the text fields describe lists with the name, dates and owner, leaving out currency, number and boolean fields', async () => {
    provider = await seededSalesforceProvider();
    const pages = await readEveryPage(openReader(provider, { objects: ['Account'] }));
    const [query] = provider.requests.filter(isQuery).map(queryOf);
    expect(query).toBe(
      'SELECT Id, SystemModstamp, CreatedDate, LastModifiedDate, OwnerId, Name, Type, Industry, BillingCity, Phone, Website, Description, Owner.Name ' +
        'FROM Account ORDER BY SystemModstamp ASC, Id ASC',
    );
    // Five accounts in batches of two: the later pages follow nextRecordsUrl, and the checkpoints hold its path only.
    expect(pages.map((page) => page.documents.length)).toEqual([2, 2, 1]);
    expect(pages.map((page) => page.next)).toEqual([
      { object: 0, page: expect.stringMatching(/^\/services\/data\/v61\.0\/query\/01g\w+-2$/) },
      { object: 0, page: expect.stringMatching(/^\/services\/data\/v61\.0\/query\/01g\w+-4$/) },
      null,
    ]);
    const acme = pages[0]?.documents[0] as SourceDocument;
    expect(acme).toMatchObject({
      externalId: `Account/${provider.ids.acme}`,
      title: 'Acme Energy',
      url: `${provider.url}/lightning/r/Account/${provider.ids.acme}/view`,
      mimeType: 'text/plain',
      updatedAt: '2026-01-05T09:00:00.000Z',
    });
    expect(acme.body).toBe(
      [
        'Account Name: Acme Energy',
        'Account Type: Customer - Direct',
        'Industry: Energy',
        'Billing City: Houston',
        'Account Phone: +1 713 555 0100',
        'Website: https://acme.example',
        'Account Description: Runs three solar farms in Texas.\nRenewal due in March.',
      ].join('\n'),
    );
    expect(acme.metadata).toEqual({
      object: 'Account',
      created: '2026-01-04T09:00:00.000Z',
      modified: '2026-01-05T09:00:00.000Z',
      owner: 'Jane Doe',
      Name: 'Acme Energy',
      Type: 'Customer - Direct',
      Industry: 'Energy',
      BillingCity: 'Houston',
      Phone: '+1 713 555 0100',
      Website: 'https://acme.example',
    });
  });

  it('ANDs soqlFilter to every query and to the id listing for pruning', async () => {
    provider = await seededSalesforceProvider();
    const reader = openReader(provider, { objects: ['Account'], soqlFilter: "WHERE Industry = 'Energy'" });
    const documents = (await readEveryPage(reader)).flatMap((page) => page.documents);
    expect(documents.map((document) => document.title)).toEqual(['Acme Energy', 'Umbrella Power']);
    expect(queryOf(provider.requests.find(isQuery) as RecordedRequest)).toContain(
      "FROM Account WHERE (Industry = 'Energy') ORDER BY SystemModstamp ASC, Id ASC",
    );

    const ids: string[] = [];
    for await (const batch of reader.listIds?.() ?? []) ids.push(...batch);
    expect(ids.sort()).toEqual([`Account/${provider.ids.acme}`, `Account/${provider.ids.umbrella}`].sort());
    expect(provider.requests.filter(isQuery).map(queryOf).at(-1)).toBe("SELECT Id FROM Account WHERE (Industry = 'Energy')");
  });

  it('reads incrementally the records changed since, and the ids deleted in a window of more than a minute that reaches back to since', async () => {
    provider = await seededSalesforceProvider();
    const since = new Date(Date.now() - 30_000).toISOString();
    provider.changeRecord('Case', provider.ids.exportCase as string, { Priority: 'High' });
    provider.deleteRecord('Account', provider.ids.hooli as string);
    provider.deleteRecord('Case', provider.ids.darkModeCase as string);
    const pages = await readEveryPage(openReader(provider, { objects: ['Account', 'Case'] }, since));
    expect(pages.map((page) => page.documents.map((document) => document.externalId))).toEqual([[], [`Case/${provider.ids.exportCase}`]]);
    expect(pages.map((page) => page.deleted)).toEqual([[`Account/${provider.ids.hooli}`], [`Case/${provider.ids.darkModeCase}`]]);
    for (const query of provider.requests.filter(isQuery).map(queryOf)) expect(query).toContain(`WHERE SystemModstamp >= ${soqlDateTime(since)} ORDER BY`);
    for (const request of provider.requests.filter(isDeletedWindow)) {
      const window = new URL(request.path, 'http://local').searchParams;
      const [start, end] = [Date.parse(window.get('start') ?? ''), Date.parse(window.get('end') ?? '')];
      expect(start).toBeLessThanOrEqual(Date.parse(since));
      expect(end - start).toBeGreaterThan(60_000);
    }
  });

  it('leaves deletions to a full sync or prune when since is older than the 15 days Salesforce keeps them', async () => {
    provider = await seededSalesforceProvider();
    provider.deleteRecord('Account', provider.ids.hooli as string);
    const since = new Date(Date.now() - 16 * 86_400_000).toISOString();
    const pages = await readEveryPage(openReader(provider, { objects: ['Account'] }, since));
    expect(pages.flatMap((page) => page.documents)).toHaveLength(0);
    expect(pages.some((page) => page.deleted)).toBe(false);
    expect(provider.requests.some(isDeletedWindow)).toBe(false);
  });

  it('stops with a clear reason, not a wait, when the org has used up its daily request limit', async () => {
    provider = await seededSalesforceProvider();
    provider.exhaustDailyLimit(true);
    const failure = await openReader(provider, { objects: ['Account'] })
      .read(null)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceRefusedError);
    expect((failure as Error).message).toContain('daily API request limit (REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.)');
  });

  it('writes SOQL datetimes unquoted to the second and strips rich text to lines', () => {
    expect(soqlDateTime('2026-03-04T05:06:07.890Z')).toBe('2026-03-04T05:06:07Z');
    expect(recordsQuery({ object: 'Case', fields: ['Id', 'Subject'] }, "Status = 'New'", '2026-03-04T05:06:07.890Z')).toBe(
      "SELECT Id, Subject FROM Case WHERE (Status = 'New') AND SystemModstamp >= 2026-03-04T05:06:07Z ORDER BY SystemModstamp ASC, Id ASC",
    );
    expect(htmlToText('<p>Cleared the <b>cached</b> session.<br>Then</p><ul><li>one &amp; two</li></ul>')).toBe(
      'Cleared the cached session.\nThen\none & two\n',
    );
  });
});

/** What a sync does with Salesforce's answers: a failed incremental keeps its start, a bad filter and the daily limit fail without disconnecting. */
describe('the Salesforce source through the API', () => {
  let plane: ControlPlane;
  let provider: SalesforceProvider;
  let connectorId: string;

  beforeAll(async () => {
    [plane, provider] = await Promise.all([startControlPlane('sqlite'), seededSalesforceProvider()]);
    connectorId = await createBoundConnector(plane, {
      type: 'salesforce',
      name: 'Org',
      config: salesforceScenario.config(provider),
      credential: salesforceScenario.tokenCredential(provider),
    });
  });
  afterAll(async () => {
    await plane?.close();
    await provider?.close();
  });

  const sync = (id: string, mode: 'full' | 'incremental') => syncToEnd(plane, id, mode);
  const connectorState = async (id: string) => (await plane.request('GET', `/v1/connectors/${id}`)).body.data.state;

  it('sends a failed incremental sync’s start again to the next one, which gets every change', async () => {
    const full = await sync(connectorId, 'full');
    expect(full).toMatchObject({ status: 'succeeded', progress: { collected: 8 } });
    const literal = `SystemModstamp >= ${soqlDateTime(full.startedAt)}`;
    for (const key of ['acme', 'globex', 'initech']) provider.changeRecord('Account', provider.ids[key] as string, { Description: `Renewed: ${key}.` });
    provider.deleteRecord('Case', provider.ids.darkModeCase as string);

    provider.refuseNextQueryMore();
    let before = provider.requests.length;
    const failed = await sync(connectorId, 'incremental');
    expect(failed, JSON.stringify(failed)).toMatchObject({ status: 'failed', mode: 'incremental' });
    expect(failed.error).toContain('INVALID_QUERY_LOCATOR');
    expect(provider.requests.slice(before).filter(isQuery).map(queryOf)).toEqual([expect.stringContaining(literal)]);

    before = provider.requests.length;
    const next = await sync(connectorId, 'incremental');
    expect(next, JSON.stringify(next)).toMatchObject({ status: 'succeeded', mode: 'incremental', progress: { collected: 3, deleted: 1, failed: 0 } });
    const sent = provider.requests.slice(before);
    expect(sent.filter(isQuery).map(queryOf)).toEqual([expect.stringContaining(literal), expect.stringContaining(literal)]);
    const windowStart = new URL((sent.find(isDeletedWindow) as RecordedRequest).path, 'http://local').searchParams.get('start');
    expect(Date.parse(windowStart ?? '')).toBeLessThanOrEqual(Date.parse(full.startedAt));

    const stored = await storedDocuments(plane, connectorId);
    for (const key of ['acme', 'globex', 'initech']) {
      expect(stored.find((document) => document.externalId === `Account/${provider.ids[key]}`)?.content).toContain(`Account Description: Renewed: ${key}.`);
    }
    expect(stored.map((document) => document.externalId)).not.toContain(`Case/${provider.ids.darkModeCase}`);
  });

  it('takes its instance from the OAuth token answer’s instance_url when the config names none', async () => {
    const tokens = provider.tokens.grant();
    const secret = { clientId: provider.tokens.clientId, clientSecret: provider.tokens.clientSecret, tokenUrl: provider.tokenUrl };
    const withoutInstance = { objects: ['Account', 'Case'] };
    // A token that is not stale has no instance to go by yet: the check says what is missing.
    const unplaced = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Unplaced', type: 'salesforce', config: withoutInstance, credentials: { kind: 'oauth2', ...secret, ...tokens } },
    });
    expect(unplaced.body.data.state, JSON.stringify(unplaced.body)).not.toBe('connected');
    expect(unplaced.body.data.stateReason).toContain('Salesforce needs an instance URL');

    // A stale one is refreshed before the check, and Salesforce's token answer names the instance.
    const placed = await createBoundConnector(plane, {
      type: 'salesforce',
      name: 'Placed by its token',
      config: withoutInstance,
      credential: { kind: 'oauth2', secret: { ...secret, ...provider.tokens.grant(), expiresAt: new Date(Date.now() - 60_000).toISOString() } },
    });
    const job = await sync(placed, 'full');
    const held = (await storedDocuments(plane, connectorId)).length;
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', progress: { collected: held, failed: 0 } });
    const stored = await storedDocuments(plane, placed);
    expect(stored.every((document) => document.url.startsWith(`${provider.url}/lightning/r/`))).toBe(true);
  });

  it('fails a sync whose soqlFilter Salesforce cannot parse with its MALFORMED_QUERY message, and keeps the connector connected', async () => {
    const filtered = await createBoundConnector(plane, {
      type: 'salesforce',
      name: 'Bad filter',
      config: { ...salesforceScenario.config(provider), soqlFilter: "Industry = 'Energy' AND" },
      credential: salesforceScenario.tokenCredential(provider),
    });
    const job = await sync(filtered, 'full');
    expect(job.status, JSON.stringify(job)).toBe('failed');
    expect(job.error).toContain("MALFORMED_QUERY: unexpected token: ')' (check the connector’s soqlFilter)");
    expect(await connectorState(filtered)).toBe('connected');
  });

  it('fails a sync on REQUEST_LIMIT_EXCEEDED with the reason, and keeps the connector connected', async () => {
    provider.exhaustDailyLimit(true);
    try {
      const job = await sync(connectorId, 'full');
      expect(job.status, JSON.stringify(job)).toBe('failed');
      expect(job.error).toContain('REQUEST_LIMIT_EXCEEDED');
      expect(await connectorState(connectorId)).toBe('connected');
    } finally {
      provider.exhaustDailyLimit(false);
    }
  });
});

function openReader(provider: SalesforceProvider, config: Record<string, unknown>, since: string | null = null): Source {
  const credential = {
    kind: 'oauth2' as const,
    secret: { clientId: provider.tokens.clientId, clientSecret: provider.tokens.clientSecret, ...provider.tokens.grant() },
  };
  const source = salesforce.openSource(directReadContext(salesforceConfigSchema.parse({ instanceUrl: provider.url, ...config }), { credential, since }));
  return source;
}
