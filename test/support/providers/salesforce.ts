import type { ServerResponse } from 'node:http';
import { sendJson, startLocalServer } from '../http-server.ts';
import { createProviderFaults } from './faults.ts';
import type { ExpectedDocument, SaasProvider, SourceScenario } from './saas-provider.ts';
import { createTokenIssuer } from './token-issuer.ts';

/** The server caps a query's batch this low (Salesforce's own default is 2,000) so a few records span several pages. */
const BATCH_SIZE = 2;
const DELETE_LOG_MS = 15 * 24 * 3_600_000;
/** The version in the URLs the server hands out (`nextRecordsUrl`, record `attributes.url`): the reader's default. */
const API_VERSION = 'v61.0';

interface FieldDescription {
  name: string;
  label: string;
  type: string;
  nameField?: boolean;
  relationshipName?: string;
  extraTypeInfo?: string;
}

/** Each object's fields as describe lists them: text fields, and others (currency, boolean, number) the reader must leave out. */
const DESCRIBED: Record<string, { label: string; keyPrefix: string; fields: FieldDescription[] }> = {
  Account: {
    label: 'Account',
    keyPrefix: '001',
    fields: [
      { name: 'Id', label: 'Account ID', type: 'id' },
      { name: 'IsDeleted', label: 'Deleted', type: 'boolean' },
      { name: 'Name', label: 'Account Name', type: 'string', nameField: true },
      { name: 'Type', label: 'Account Type', type: 'picklist' },
      { name: 'Industry', label: 'Industry', type: 'picklist' },
      { name: 'BillingCity', label: 'Billing City', type: 'string' },
      { name: 'Phone', label: 'Account Phone', type: 'phone' },
      { name: 'Website', label: 'Website', type: 'url' },
      { name: 'AnnualRevenue', label: 'Annual Revenue', type: 'currency' },
      { name: 'NumberOfEmployees', label: 'Employees', type: 'int' },
      { name: 'Description', label: 'Account Description', type: 'textarea', extraTypeInfo: 'plaintextarea' },
      { name: 'OwnerId', label: 'Owner ID', type: 'reference', relationshipName: 'Owner' },
      { name: 'CreatedDate', label: 'Created Date', type: 'datetime' },
      { name: 'LastModifiedDate', label: 'Last Modified Date', type: 'datetime' },
      { name: 'SystemModstamp', label: 'System Modstamp', type: 'datetime' },
    ],
  },
  Case: {
    label: 'Case',
    keyPrefix: '500',
    fields: [
      { name: 'Id', label: 'Case ID', type: 'id' },
      { name: 'CaseNumber', label: 'Case Number', type: 'string', nameField: true },
      { name: 'Subject', label: 'Subject', type: 'string' },
      { name: 'Status', label: 'Status', type: 'picklist' },
      { name: 'Priority', label: 'Priority', type: 'picklist' },
      { name: 'ContactEmail', label: 'Contact Email', type: 'email' },
      { name: 'IsEscalated', label: 'Escalated', type: 'boolean' },
      { name: 'Description', label: 'Description', type: 'textarea', extraTypeInfo: 'plaintextarea' },
      { name: 'Resolution__c', label: 'Resolution', type: 'textarea', extraTypeInfo: 'richtextarea' },
      { name: 'OwnerId', label: 'Owner ID', type: 'reference', relationshipName: 'Owner' },
      { name: 'CreatedDate', label: 'Created Date', type: 'datetime' },
      { name: 'LastModifiedDate', label: 'Last Modified Date', type: 'datetime' },
      { name: 'SystemModstamp', label: 'System Modstamp', type: 'datetime' },
    ],
  },
};

export const salesforceUsers = {
  jane: { Id: '005Dn000000000001A', Name: 'Jane Doe' },
  sam: { Id: '005Dn000000000002A', Name: 'Sam Lee' },
} as const;

type FieldValue = string | number | boolean | null;

export interface StoredRecord {
  object: string;
  Id: string;
  fields: Record<string, FieldValue>;
  owner: { Id: string; Name: string };
  created: number;
  modified: number;
}

export interface SalesforceProvider extends SaasProvider {
  record(object: string, id: string): StoredRecord;
  /** Ids of the seeded records by a short name. */
  ids: Record<string, string>;
  addRecord(object: string, fields: Record<string, FieldValue>, at?: number): string;
  /** Sets fields as an edit does, moving SystemModstamp and LastModifiedDate to now. */
  changeRecord(object: string, id: string, fields: Record<string, FieldValue>): void;
  /** Deletes a record to the recycle bin: queries no longer find it and getDeleted reports it. */
  deleteRecord(object: string, id: string): void;
  /** From now on every API request answers 403 REQUEST_LIMIT_EXCEEDED, as an org past its daily allowance does; false ends it. */
  exhaustDailyLimit(exhausted: boolean): void;
  /** The next fetch of a query's later page answers 400 INVALID_QUERY_LOCATOR, which no retry mends. */
  refuseNextQueryMore(): void;
}

/**
 * A local Salesforce REST API (`/services/data/vXX.X`): sObject describe, SOQL query with query
 * locators (`nextRecordsUrl`), getDeleted, and the OAuth token endpoint at `/services/oauth2/token`.
 * SOQL is evaluated for what a reader sends: a field list, `WHERE` with AND, OR, NOT, parentheses,
 * comparisons, IN and LIKE, and `ORDER BY`. Errors are Salesforce's `[{ message, errorCode }]`.
 */
export async function startSalesforceProvider(): Promise<SalesforceProvider> {
  const tokens = createTokenIssuer('00DDn0000000001!');
  const faults = createProviderFaults();
  const records = new Map<string, StoredRecord>();
  const deletions: Array<{ object: string; Id: string; at: number }> = [];
  const locators = new Map<string, { object: string; fields: string[]; ids: string[] }>();
  let counter = 0;
  let limitExhausted = false;
  let refuseQueryMore = false;

  const server = await startLocalServer(async (request, response) => {
    const url = new URL(request.path, 'http://local');
    if (request.method === 'POST' && url.pathname === '/services/oauth2/token') {
      // Salesforce's answer names the instance to call and gives no `expires_in`.
      return tokens.answerTokenRequest(request, response, ({ expires_in: _expiresIn, ...body }) => ({
        ...body,
        instance_url: server.url,
        id: `${server.url}/id/00DDn0000000001/${salesforceUsers.jane.Id}`,
        issued_at: String(Date.now()),
        signature: 'c2lnbmF0dXJl',
      }));
    }
    const fault = await faults.next();
    if (fault?.kind === 'rateLimit') {
      // An edge in front of the org answers a burst as a proxy does.
      response.writeHead(429, { 'content-type': 'text/plain', 'retry-after': String(fault.retryAfterSeconds) });
      return response.end('Too Many Requests');
    }
    if (fault) return sendJson(response, fault.status, errors('SERVER_UNAVAILABLE', 'Server temporarily unavailable, try again later'));
    if (tokens.check(request.headers.authorization) !== 'valid') return sendJson(response, 401, errors('INVALID_SESSION_ID', 'Session expired or invalid'));
    if (limitExhausted) return sendJson(response, 403, errors('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
    const api = /^\/services\/data\/v\d+\.\d(\/.*)$/.exec(url.pathname)?.[1];
    if (request.method !== 'GET' || !api) return sendJson(response, 404, errors('NOT_FOUND', 'The requested resource does not exist'));
    const describe = /^\/sobjects\/(\w+)\/describe\/?$/.exec(api);
    if (describe) return answerDescribe(describe[1] as string, response);
    const deleted = /^\/sobjects\/(\w+)\/deleted\/?$/.exec(api);
    if (deleted) return answerDeleted(deleted[1] as string, url, response);
    if (api === '/query' || api === '/query/') return answerQuery(url.searchParams.get('q') ?? '', response);
    const more = /^\/query\/(\w+)-(\d+)$/.exec(api);
    if (more) return answerQueryMore(more[1] as string, Number(more[2]), response);
    sendJson(response, 404, errors('NOT_FOUND', 'The requested resource does not exist'));
  });

  function answerDescribe(object: string, response: ServerResponse): void {
    const described = describedOf(object);
    if (!described) return sendJson(response, 404, errors('NOT_FOUND', 'The requested resource does not exist'));
    sendJson(response, 200, {
      name: object,
      label: described.label,
      keyPrefix: described.keyPrefix,
      queryable: true,
      fields: described.fields.map((field) => ({
        name: field.name,
        label: field.label,
        type: field.type,
        nameField: field.nameField ?? false,
        relationshipName: field.relationshipName ?? null,
        deprecatedAndHidden: false,
        extraTypeInfo: field.extraTypeInfo ?? null,
      })),
    });
  }

  function answerDeleted(object: string, url: URL, response: ServerResponse): void {
    const start = Date.parse(url.searchParams.get('start') ?? '');
    const end = Date.parse(url.searchParams.get('end') ?? '');
    if (!describedOf(object)) return sendJson(response, 404, errors('NOT_FOUND', 'The requested resource does not exist'));
    if (Number.isNaN(start) || Number.isNaN(end)) return sendJson(response, 400, errors('INVALID_REPLICATION_DATE', 'start and end are required'));
    if (end - start <= 60_000) {
      return sendJson(response, 400, errors('INVALID_REPLICATION_DATE', 'startDate must chronologically precede endDate by more than one minute'));
    }
    if (start < Date.now() - DELETE_LOG_MS)
      return sendJson(response, 400, errors('INVALID_REPLICATION_DATE', 'startDate is before the earliest date available'));
    // Salesforce keeps deletedDate to the second. It reads the window to the minute; this server to the
    // second, so a deletion right before a sync is in its window (a real org reports it one sync later).
    const inWindow = deletions.filter((entry) => entry.object === object && toSecond(entry.at) >= start && toSecond(entry.at) <= end);
    sendJson(response, 200, {
      deletedRecords: inWindow.map((entry) => ({ id: entry.Id, deletedDate: salesforceDate(toSecond(entry.at)) })),
      earliestDateAvailable: salesforceDate(Date.now() - DELETE_LOG_MS),
      latestDateCovered: salesforceDate(end),
    });
  }

  function answerQuery(soql: string, response: ServerResponse): void {
    let query: ParsedQuery;
    try {
      query = parseSoql(soql);
    } catch (error) {
      return sendJson(response, 400, errors('MALFORMED_QUERY', (error as Error).message));
    }
    const described = describedOf(query.object);
    if (!described) {
      return sendJson(response, 400, errors('INVALID_TYPE', `sObject type '${query.object}' is not supported.`));
    }
    const known = new Set([...described.fields.map((field) => field.name), 'Owner.Name']);
    const unknown = [...query.fields, ...query.filterFields, ...query.orderBy.map((order) => order.field)].find((field) => !known.has(field));
    if (unknown) return sendJson(response, 400, errors('INVALID_FIELD', `No such column '${unknown}' on entity '${query.object}'.`));
    const found = [...records.values()].filter((record) => record.object === query.object && query.where(valueReader(record)));
    found.sort((a, b) => {
      for (const { field, descending } of query.orderBy) {
        const order = compareValues(valueReader(a)(field), valueReader(b)(field));
        if (order !== 0) return descending ? -order : order;
      }
      return 0;
    });
    const locator = `01gDn${String((counter += 1)).padStart(13, '0')}`;
    locators.set(locator, { object: query.object, fields: query.fields, ids: found.map((record) => record.Id) });
    answerBatch(locator, 0, response);
  }

  function answerQueryMore(locator: string, offset: number, response: ServerResponse): void {
    if (refuseQueryMore || !locators.has(locator)) {
      refuseQueryMore = false;
      return sendJson(response, 400, errors('INVALID_QUERY_LOCATOR', 'invalid query locator'));
    }
    answerBatch(locator, offset, response);
  }

  function answerBatch(locator: string, offset: number, response: ServerResponse): void {
    const { fields, ids } = locators.get(locator) as { fields: string[]; ids: string[] };
    const batch = ids.slice(offset, offset + BATCH_SIZE).flatMap((id) => {
      const record = records.get(id);
      return record ? [recordJson(record, fields)] : [];
    });
    const done = offset + BATCH_SIZE >= ids.length;
    sendJson(response, 200, {
      totalSize: ids.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/${API_VERSION}/query/${locator}-${offset + BATCH_SIZE}` }),
      records: batch,
    });
  }

  function recordJson(record: StoredRecord, fields: string[]): Record<string, unknown> {
    const json: Record<string, unknown> = { attributes: { type: record.object, url: `/services/data/${API_VERSION}/sobjects/${record.object}/${record.Id}` } };
    for (const field of fields) {
      if (field === 'Owner.Name') {
        json.Owner = { attributes: { type: 'User', url: `/services/data/${API_VERSION}/sobjects/User/${record.owner.Id}` }, Name: record.owner.Name };
        continue;
      }
      const value = valueReader(record)(field);
      json[field] = typeof value === 'number' && /Date|Modstamp/.test(field) ? salesforceDate(value) : value;
    }
    return json;
  }

  const recordOf = (object: string, id: string) => {
    const record = records.get(id);
    if (!record || record.object !== object) throw new Error(`no ${object} ${id}`);
    return record;
  };

  return {
    url: server.url,
    tokenUrl: `${server.url}/services/oauth2/token`,
    requests: server.requests,
    tokens,
    faults,
    ids: {},
    record: recordOf,
    addRecord(object, fields, at = Date.now()) {
      const described = describedOf(object);
      if (!described) throw new Error(`no object ${object}`);
      const Id = `${described.keyPrefix}Dn0000${String((counter += 1)).padStart(9, '0')}`;
      const owner = fields.OwnerId === salesforceUsers.sam.Id ? salesforceUsers.sam : salesforceUsers.jane;
      records.set(Id, { object, Id, fields: { ...fields, OwnerId: owner.Id }, owner, created: at - 86_400_000, modified: at });
      return Id;
    },
    changeRecord(object, id, fields) {
      const record = recordOf(object, id);
      Object.assign(record.fields, fields);
      // Milliseconds: a change made right after a sync must fall after its start.
      record.modified = Date.now();
    },
    deleteRecord(object, id) {
      recordOf(object, id);
      records.delete(id);
      deletions.push({ object, Id: id, at: Date.now() });
    },
    exhaustDailyLimit(exhausted) {
      limitExhausted = exhausted;
    },
    refuseNextQueryMore() {
      refuseQueryMore = true;
    },
    close: () => server.close(),
  };
}

const describedOf = (object: string) => DESCRIBED[object];

const errors = (errorCode: string, message: string) => [{ message, errorCode }];

/** Salesforce's datetime form: `2026-01-05T09:00:00.000+0000`. */
const salesforceDate = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const toSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

function compareValues(left: FieldValue, right: FieldValue): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  const [a, b] = [String(left ?? ''), String(right ?? '')];
  return a === b ? 0 : a < b ? -1 : 1;
}

/** A record's field by API name; dates as epoch ms. */
function valueReader(record: StoredRecord): (field: string) => FieldValue {
  return (field) => {
    switch (field) {
      case 'Id':
        return record.Id;
      case 'Owner.Name':
        return record.owner.Name;
      case 'CreatedDate':
        return record.created;
      case 'LastModifiedDate':
      case 'SystemModstamp':
        return record.modified;
      case 'IsDeleted':
        return false;
      default:
        return record.fields[field] ?? null;
    }
  };
}

interface ParsedQuery {
  fields: string[];
  object: string;
  where: (read: (field: string) => FieldValue) => boolean;
  /** Fields the WHERE clause names, checked against the object's like the selected ones. */
  filterFields: string[];
  orderBy: Array<{ field: string; descending: boolean }>;
}

/** Parses the SOQL a reader sends; a query Salesforce would not parse throws its MALFORMED_QUERY message. */
function parseSoql(soql: string): ParsedQuery {
  const tokens = soql.match(/'(?:[^'\\]|\\.)*'|<>|!=|<=|>=|[(),=<>]|[^\s(),=<>!']+/g) ?? [];
  let at = 0;
  const peek = () => tokens[at]?.toUpperCase();
  const fail = (): never => {
    throw new Error(at < tokens.length ? `unexpected token: '${tokens[at]}'` : 'unexpected end of query');
  };
  const take = () => (at < tokens.length ? (tokens[at++] as string) : fail());
  const expectWord = (word: string) => {
    if (peek() !== word) fail();
    at += 1;
  };
  const isName = (token: string | undefined) => token !== undefined && /^[A-Za-z][\w.]*$/.test(token);
  const filterFields: string[] = [];

  expectWord('SELECT');
  const fields: string[] = [];
  do {
    if (fields.length > 0) take();
    if (!isName(tokens[at])) fail();
    fields.push(take());
  } while (peek() === ',');
  expectWord('FROM');
  if (!isName(tokens[at])) fail();
  const object = take();

  type Predicate = (read: (field: string) => FieldValue) => boolean;
  const literal = (): FieldValue | FieldValue[] => {
    const token = take();
    if (token === '(') {
      const values: FieldValue[] = [];
      while (tokens[at] !== ')') {
        values.push(literal() as FieldValue);
        if (tokens[at] === ',') take();
      }
      take();
      return values;
    }
    if (token.startsWith("'")) return token.slice(1, -1).replace(/\\(.)/g, '$1');
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(token)) return Date.parse(token);
    if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
    const word = token.toUpperCase();
    if (word === 'NULL') return null;
    if (word === 'TRUE' || word === 'FALSE') return word === 'TRUE';
    return fail();
  };
  const comparison = (): Predicate => {
    if (!isName(tokens[at])) fail();
    const field = take();
    filterFields.push(field);
    let operator = take().toUpperCase();
    if (operator === 'NOT') operator = `NOT ${take().toUpperCase()}`;
    if (!['=', '!=', '<>', '<', '>', '<=', '>=', 'IN', 'NOT IN', 'LIKE'].includes(operator)) {
      at -= 1;
      fail();
    }
    const operand = literal();
    const lower = (value: FieldValue) => (typeof value === 'string' ? value.toLowerCase() : value);
    return (read) => {
      const value = lower(read(field));
      if (Array.isArray(operand)) return operand.map(lower).includes(value) === (operator === 'IN');
      const other = lower(operand);
      if (operator === 'LIKE') {
        const pattern = new RegExp(
          `^${String(other)
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            .replaceAll('%', '.*')
            .replaceAll('_', '.')}$`,
        );
        return pattern.test(String(value ?? ''));
      }
      if (operator === '=' || operator === '!=' || operator === '<>') return (value === other) === (operator === '=');
      if (value === null || other === null) return false;
      const order = compareValues(value, other);
      return { '<': order < 0, '>': order > 0, '<=': order <= 0, '>=': order >= 0 }[operator] as boolean;
    };
  };
  const unary = (): Predicate => {
    if (peek() === 'NOT') {
      take();
      const inner = unary();
      return (read) => !inner(read);
    }
    if (tokens[at] === '(') {
      take();
      const inner = or();
      if (take() !== ')') fail();
      return inner;
    }
    return comparison();
  };
  const and = (): Predicate => {
    let left = unary();
    while (peek() === 'AND') {
      take();
      const [a, b] = [left, unary()];
      left = (read) => a(read) && b(read);
    }
    return left;
  };
  const or = (): Predicate => {
    let left = and();
    while (peek() === 'OR') {
      take();
      const [a, b] = [left, and()];
      left = (read) => a(read) || b(read);
    }
    return left;
  };

  let where: Predicate = () => true;
  if (peek() === 'WHERE') {
    take();
    where = or();
  }
  const orderBy: ParsedQuery['orderBy'] = [];
  if (peek() === 'ORDER') {
    take();
    expectWord('BY');
    do {
      if (orderBy.length > 0) take();
      if (!isName(tokens[at])) fail();
      const field = take();
      const descending = peek() === 'DESC';
      if (peek() === 'ASC' || peek() === 'DESC') take();
      orderBy.push({ field, descending });
    } while (tokens[at] === ',');
  }
  if (at < tokens.length) fail();
  return { fields, object, where, filterFields, orderBy };
}

/** Seeded on past dates, so only changes made during a test fall after a sync's start. */
const SEEDED_AT = Date.parse('2026-01-05T09:00:00Z');
const HOUR_MS = 3_600_000;

const seededRecords: Array<{ key: string; object: string; fields: Record<string, FieldValue>; contains: string[] }> = [
  {
    key: 'acme',
    object: 'Account',
    fields: {
      Name: 'Acme Energy',
      Type: 'Customer - Direct',
      Industry: 'Energy',
      BillingCity: 'Houston',
      Phone: '+1 713 555 0100',
      Website: 'https://acme.example',
      AnnualRevenue: 5_000_000,
      NumberOfEmployees: 1200,
      Description: 'Runs three solar farms in Texas.\nRenewal due in March.',
    },
    contains: ['Account Name: Acme Energy', 'Industry: Energy', 'Account Description: Runs three solar farms in Texas.\nRenewal due in March.'],
  },
  {
    key: 'globex',
    object: 'Account',
    fields: {
      Name: 'Globex Manufacturing',
      Type: 'Prospect',
      Industry: 'Manufacturing',
      BillingCity: 'Springfield',
      Description: 'Interested in the analytics add-on.',
      OwnerId: salesforceUsers.sam.Id,
    },
    contains: ['Account Type: Prospect', 'Account Description: Interested in the analytics add-on.'],
  },
  {
    key: 'initech',
    object: 'Account',
    fields: { Name: 'Initech', Industry: 'Technology', Description: 'Pilot of the search connector.' },
    contains: ['Pilot of the search connector.'],
  },
  {
    key: 'umbrella',
    object: 'Account',
    fields: { Name: 'Umbrella Power', Industry: 'Energy', BillingCity: 'Raccoon City', Description: 'Wind turbines; asks for SSO.' },
    contains: ['Billing City: Raccoon City', 'Wind turbines; asks for SSO.'],
  },
  {
    key: 'hooli',
    object: 'Account',
    fields: { Name: 'Hooli', Industry: 'Technology', Website: 'https://hooli.example' },
    contains: ['Website: https://hooli.example'],
  },
  {
    key: 'loginCase',
    object: 'Case',
    fields: {
      CaseNumber: '00001001',
      Subject: 'Login fails after password reset',
      Status: 'New',
      Priority: 'High',
      ContactEmail: 'pat@acme.example',
      IsEscalated: true,
      Description: 'The reset link expires at once.',
      Resolution__c: '<p>Cleared the <b>cached</b> session.</p><p>Works&nbsp;now &amp; stays.</p>',
    },
    contains: ['Subject: Login fails after password reset', 'Contact Email: pat@acme.example', 'Resolution: Cleared the cached session.\nWorks now & stays.'],
  },
  {
    key: 'exportCase',
    object: 'Case',
    fields: { CaseNumber: '00001002', Subject: 'Export times out', Status: 'Working', Priority: 'Medium', Description: 'CSV export of 1M rows stops at 30 s.' },
    contains: ['Description: CSV export of 1M rows stops at 30 s.'],
  },
  {
    key: 'darkModeCase',
    object: 'Case',
    fields: { CaseNumber: '00001003', Subject: 'Feature request: dark mode', Status: 'Closed', Priority: 'Low' },
    contains: ['Status: Closed'],
  },
];

/** Starts a Salesforce provider holding five accounts (three query pages) and three cases (two). */
export async function seededSalesforceProvider(): Promise<SalesforceProvider> {
  const provider = await startSalesforceProvider();
  seededRecords.forEach((seed, index) => {
    provider.ids[seed.key] = provider.addRecord(seed.object, seed.fields, SEEDED_AT + index * HOUR_MS);
  });
  return provider;
}

/** Field types the reader keeps as metadata when short: every text type but the long text areas. */
const SHORT_TYPES = new Set(['string', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox']);

/** The document a sync must store for a record as the provider holds it now. */
export function expectedRecord(provider: SalesforceProvider, object: string, id: string, contains: string[]): ExpectedDocument {
  const record = provider.record(object, id);
  const described = describedOf(object)?.fields ?? [];
  const short = described.filter((field) => SHORT_TYPES.has(field.type) && typeof record.fields[field.name] === 'string');
  const title = String(record.fields[described.find((field) => field.nameField)?.name ?? 'Name']);
  return {
    externalId: `${object}/${id}`,
    title,
    url: `${provider.url}/lightning/r/${object}/${id}/view`,
    contains,
    metadata: {
      ...Object.fromEntries(short.map((field) => [field.name, String(record.fields[field.name])])),
      object,
      created: new Date(record.created).toISOString(),
      modified: new Date(record.modified).toISOString(),
      owner: record.owner.Name,
    },
  };
}

/** Accounts and cases of one org over OAuth2. */
export const salesforceScenario: SourceScenario<SalesforceProvider> = {
  type: 'salesforce',
  start: () => seededSalesforceProvider(),
  config: (provider) => ({ instanceUrl: provider.url, objects: ['Account', 'Case'] }),
  tokenCredential: (provider) => ({
    kind: 'oauth2',
    secret: { clientId: provider.tokens.clientId, clientSecret: provider.tokens.clientSecret, ...provider.tokens.grant(), tokenUrl: provider.tokenUrl },
  }),
  seeded: (provider) => seededRecords.map((seed) => expectedRecord(provider, seed.object, provider.ids[seed.key] as string, seed.contains)),
  isListingPage: (request) => request.path.startsWith('/services/data/v61.0/query'),
  change(provider) {
    const [globex, exportCase, hooli] = ['globex', 'exportCase', 'hooli'].map((key) => provider.ids[key] as string) as [string, string, string];
    provider.changeRecord('Account', globex, { Description: 'Signed for the analytics add-on.' });
    provider.changeRecord('Case', exportCase, { Status: 'Escalated' });
    const added = provider.addRecord('Account', { Name: 'Stark Solar', Industry: 'Energy', Description: 'New customer from the fair.' });
    provider.deleteRecord('Account', hooli);
    return {
      changed: [
        expectedRecord(provider, 'Account', globex, ['Account Description: Signed for the analytics add-on.']),
        expectedRecord(provider, 'Case', exportCase, ['Status: Escalated', 'CSV export of 1M rows stops at 30 s.']),
      ],
      added: expectedRecord(provider, 'Account', added, ['Account Name: Stark Solar', 'New customer from the fair.']),
      deleted: `Account/${hooli}`,
    };
  },
  // A revoked session's refresh is refused too; Salesforce's token endpoint says `invalid_grant`.
  revokedReason: 'invalid_grant',
  incrementalSeesDeletions: true,
};
