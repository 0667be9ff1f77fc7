import type { Response } from 'undici';
import { z } from 'zod';
import type { HttpFetch } from '../../net/guarded-fetch.ts';
import { readPage, type Listing, type ListingPage, type PagePosition } from '../http/paging.ts';
import { retryAfterSeconds, SourceHttpError, SourceRefusedError } from '../http/source-errors.ts';

/** Salesforce's REST API wire format (`/services/data/vXX.X`): describe, query and getDeleted. */

const fieldSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.string(),
  nameField: z.boolean().default(false),
  relationshipName: z.string().nullable().optional(),
  deprecatedAndHidden: z.boolean().default(false),
  /** `richtextarea` or `plaintextarea` on textarea fields. */
  extraTypeInfo: z.string().nullable().optional(),
});
export type SalesforceField = z.infer<typeof fieldSchema>;

const describeSchema = z.object({ name: z.string(), label: z.string(), fields: z.array(fieldSchema) });
export type SObjectDescribe = z.infer<typeof describeSchema>;

/** A record as a query returns it: the selected fields by API name, `Owner` as a nested record. */
export const recordSchema = z.looseObject({
  Id: z.string(),
  SystemModstamp: z.string(),
  Owner: z.object({ Name: z.string().nullable().optional() }).nullable().optional(),
});
export type SalesforceRecord = z.infer<typeof recordSchema>;

const idSchema = z.object({ Id: z.string() });

const deletedSchema = z.object({
  deletedRecords: z.array(z.object({ id: z.string(), deletedDate: z.string() })),
  earliestDateAvailable: z.string().nullable().optional(),
  latestDateCovered: z.string().nullable().optional(),
});

/** Salesforce's error body: a list of `{ message, errorCode }`. */
const errorsSchema = z.array(z.object({ message: z.string(), errorCode: z.string() }));

export interface SalesforceApi {
  /** The object's fields; an object that does not exist, or that the user cannot see, stops the sync. */
  describe(object: string): Promise<SObjectDescribe>;
  /** One page of a SOQL query's records: the first when `position` is null, else the one `nextRecordsUrl` named. */
  query(object: string, soql: string, position: PagePosition | null): Promise<ListingPage<SalesforceRecord>>;
  /** One page of a `SELECT Id` query's record ids. */
  queryIds(object: string, soql: string, position: PagePosition | null): Promise<ListingPage<{ Id: string }>>;
  /**
   * Ids of the object's records deleted between `start` and `end`, which Salesforce reads to the
   * minute and wants more than a minute apart, within its 15-day delete log.
   */
  deleted(object: string, start: Date, end: Date): Promise<string[]>;
}

export interface SalesforceApiOptions {
  instanceUrl: string;
  apiVersion: string;
  /** The reader's `sourceFetch`: authorized, refreshing and retrying. */
  fetch: HttpFetch;
}

export function salesforceApi(options: SalesforceApiOptions): SalesforceApi {
  const { instanceUrl } = options;
  const root = `/services/data/v${options.apiVersion}`;
  const send =
    (what: string): HttpFetch =>
    async (url, init = {}) => {
      const response = await options.fetch(url, init);
      if (!response.ok) throw salesforceError(response, await response.text(), what);
      return response;
    };

  const queryListing = <Item>(soql: string, item: z.ZodType<Item>): Listing<Item> => ({
    service: 'Salesforce',
    baseUrl: instanceUrl,
    request: { path: `${root}/query?${new URLSearchParams({ q: soql }).toString()}` },
    itemsAt: 'records',
    item,
    // `nextRecordsUrl` is a path from the instance's root, `/services/data/v61.0/query/01gD...-2000`.
    paging: { kind: 'nextUrl', nextUrlAt: 'nextRecordsUrl', relativeTo: 'origin' },
  });

  async function getJson<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T> {
    const response = await send(what)(`${instanceUrl}${path}`, { headers: { accept: 'application/json' } });
    return schema.parse(JSON.parse(await response.text()));
  }

  return {
    async describe(object) {
      try {
        return await getJson(`${root}/sobjects/${object}/describe`, describeSchema, `the description of ${object}`);
      } catch (error) {
        if (error instanceof SourceHttpError && error.status === 404) {
          throw new SourceRefusedError(`Salesforce has no object ${object}, or the user cannot see it (${error.message})`);
        }
        throw error;
      }
    },
    query(object, soql, position) {
      return readPage(send(`the query of ${object}`), queryListing(soql, recordSchema), position);
    },
    queryIds(object, soql, position) {
      return readPage(send(`the query of ${object} ids`), queryListing(soql, idSchema), position);
    },
    async deleted(object, start, end) {
      const window = new URLSearchParams({ start: salesforceTime(start), end: salesforceTime(end) });
      const page = await getJson(`${root}/sobjects/${object}/deleted/?${window.toString()}`, deletedSchema, `the deleted records of ${object}`);
      return page.deletedRecords.map((record) => record.id);
    },
  };
}

/** `2026-01-01T00:00:00+00:00`: the form getDeleted documents for its window. */
function salesforceTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/**
 * The error of a Salesforce answer, with its `errorCode` and message. The org's daily request limit
 * (403 `REQUEST_LIMIT_EXCEEDED`) is not a refused credential and lasts up to a day: the sync stops
 * with that reason instead of waiting or disconnecting the connector.
 */
export function salesforceError(response: Response, text: string, what: string): Error {
  let parsed: z.infer<typeof errorsSchema> | undefined;
  try {
    parsed = errorsSchema.safeParse(JSON.parse(text)).data;
  } catch {
    parsed = undefined;
  }
  const first = parsed?.[0];
  if (!first) return SourceHttpError.fromResponse(response, text, `Salesforce (${what})`);
  const message = first.message.replace(/\s+/g, ' ').trim();
  if (first.errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    return new SourceRefusedError(
      `Salesforce refused ${what}: the org has used up its daily API request limit (REQUEST_LIMIT_EXCEEDED: ${message}); sync again once the rolling 24-hour allowance frees up`,
    );
  }
  // The reader's own SOQL is well-formed, so a query Salesforce cannot parse comes from soqlFilter.
  const hint = first.errorCode === 'MALFORMED_QUERY' || first.errorCode === 'INVALID_FIELD' ? ' (check the connector’s soqlFilter)' : '';
  return new SourceHttpError(
    response.status,
    `Salesforce answered ${response.status} to ${what}: ${first.errorCode}: ${message}${hint}`,
    retryAfterSeconds(response.headers.get('retry-after'), new Date()),
    first.errorCode,
  );
}
