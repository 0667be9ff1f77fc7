import fc from 'fast-check';
import { deeplyNested, nastyStrings, nearSchemaArbitrary, schemaArbitrary, setKey, type JsonSchema, type SchemaDefs } from './fuzz-schema.ts';

/** One operation of the served OpenAPI document. */
export interface Operation {
  method: string;
  /** The OpenAPI template, e.g. `/v1/connectors/{id}`. */
  path: string;
  pathParams: string[];
  queryParams: Array<{ name: string; required: boolean; schema: JsonSchema }>;
  body: { schema: JsonSchema; required: boolean } | undefined;
  /** Whether it documents refusals in another style than Tributary's `Error` envelope, as the seed systems' adapters do. */
  foreignErrors: boolean;
}

/** A body as sent: JSON of a value, bytes under a chosen content type, or nothing. */
export type FuzzBody =
  { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; contentType: string | null; data: string | Uint8Array; label: string };

export interface FuzzRequest {
  role: 'admin' | 'viewer';
  /** Path parameters, already percent-encoded (nasties are sent as written). */
  params: Record<string, string>;
  /** The query string without `?`, already encoded. */
  query: string;
  body: FuzzBody;
  /** Where the input came from: near-schema, arbitrary JSON or a hand-written nasty. */
  source: 'near-schema' | 'arbitrary' | 'nasty';
}

/** Ids of real rows of the workspace, so some requests get past the lookups. */
export interface FuzzFixtures {
  workspaceId: string;
  connectorId: string;
  credentialId: string;
  jobId: string;
  documentId: string;
  collection: string;
}

export function operationsOf(document: { paths: Record<string, Record<string, any>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = (operation.parameters ?? []) as Array<{ name: string; in: string; required?: boolean; schema: JsonSchema }>;
      const json = operation.requestBody?.content?.['application/json'];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        queryParams: parameters
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => ({ name: parameter.name, required: parameter.required ?? false, schema: parameter.schema })),
        body: json ? { schema: json.schema as JsonSchema, required: operation.requestBody.required ?? false } : undefined,
        foreignErrors: Object.entries(operation.responses ?? {}).some(
          ([status, response]) => status.startsWith('4') && (response as any).content?.['application/json']?.schema?.$ref !== '#/components/schemas/Error',
        ),
      });
    }
  }
  return operations;
}

/** encodeURIComponent, but a lone surrogate goes out as its WTF-8 bytes instead of throwing. */
export function encodeComponent(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return Array.from(value, (char) => char)
      .map((char) => {
        try {
          return encodeURIComponent(char);
        } catch {
          const code = char.charCodeAt(0);
          return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
        }
      })
      .join('');
  }
}

/** Path segments that are not what a client would send: encoded NUL, traversal, bad escapes, huge ids. */
export const nastyPathSegments: readonly string[] = [
  '%00',
  'conn%00x',
  '..',
  '%2e%2e',
  '..%2f..%2fetc',
  '%ff',
  '%',
  '%ED%A0%80',
  '%C0%AF',
  'a'.repeat(10_000),
  '%20',
  '%F0%9F%92%A5',
  encodeComponent("' OR 1=1 --"),
  '__proto__',
  'constructor',
];

function cursorOf(parts: unknown): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

const idLike = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/).map((id) => `fuzz-missing-${id}`.slice(0, 64));

/** The real id a path parameter of the operation names, if the fixtures have one. */
export function fixtureFor(operation: Operation, name: string, fixtures: FuzzFixtures): string | undefined {
  if (name === 'jobId') return fixtures.jobId;
  if (name === 'credentialId') return fixtures.credentialId;
  if (name === 'collection') return fixtures.collection;
  if (name !== 'id') return undefined;
  if (operation.path.startsWith('/v1/workspaces')) return fixtures.workspaceId;
  if (operation.path.startsWith('/v1/credentials')) return fixtures.credentialId;
  if (operation.path.startsWith('/v1/documents')) return fixtures.documentId;
  return fixtures.connectorId;
}

function pathValueArbitrary(real: string | undefined): fc.Arbitrary<string> {
  const options: Array<fc.WeightedArbitrary<string>> = [
    { arbitrary: idLike, weight: 4 },
    { arbitrary: fc.string({ minLength: 1, maxLength: 80, unit: 'binary' }).map(encodeComponent), weight: 2 },
    { arbitrary: fc.constantFrom(...nastyPathSegments), weight: 1 },
  ];
  if (real) options.push({ arbitrary: fc.constant(real), weight: 3 });
  return fc.oneof(...options);
}

function queryValueArbitrary(schema: JsonSchema, defs: SchemaDefs): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: schemaArbitrary(schema, defs).map((value) => String(value)), weight: 3 },
    { arbitrary: fc.constantFrom('-1', '0', '201', '1e309', 'NaN', '0x10', '1.5', ' 7', '', '\u0000', '\ud800', ...nastyStrings), weight: 2 },
    { arbitrary: fc.tuple(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })).map(cursorOf), weight: 1 },
    { arbitrary: fc.string({ maxLength: 60, unit: 'binary' }), weight: 1 },
  );
}

function queryArbitrary(operation: Operation, defs: SchemaDefs): fc.Arbitrary<string> {
  const known = operation.queryParams.map((parameter) =>
    fc.option(
      queryValueArbitrary(parameter.schema, defs).map((value) => `${parameter.name}=${encodeComponent(value)}`),
      { freq: parameter.required ? 6 : 2 },
    ),
  );
  const unknown = fc.option(
    fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([key, value]) => `${encodeComponent(key)}=${encodeComponent(value)}`),
    {
      freq: 4,
    },
  );
  return fc.tuple(fc.tuple(...known), unknown, fc.boolean()).map(([parts, extra, repeat]) => {
    const present = [...parts, extra].filter((part): part is string => part !== null);
    return (repeat && present[0] ? [...present, present[0]] : present).join('&');
  });
}

function bodyArbitrary(operation: Operation, defs: SchemaDefs): fc.Arbitrary<{ body: FuzzBody; source: FuzzRequest['source'] }> {
  if (!operation.body) {
    return fc.oneof(
      { arbitrary: fc.constant({ body: { kind: 'none' } as FuzzBody, source: 'near-schema' as const }), weight: 3 },
      { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ body: { kind: 'json', value } as FuzzBody, source: 'arbitrary' as const })), weight: 1 },
    );
  }
  const schema = operation.body.schema;
  return fc.oneof(
    { arbitrary: nearSchemaArbitrary(schema, defs).map((value) => ({ body: { kind: 'json', value } as FuzzBody, source: 'near-schema' as const })), weight: 6 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ body: { kind: 'json', value } as FuzzBody, source: 'arbitrary' as const })), weight: 2 },
  );
}

/** Generated requests of one operation: near-schema and arbitrary bodies, fuzzed path and query. */
export function requestArbitrary(operation: Operation, defs: SchemaDefs, fixtures: FuzzFixtures): fc.Arbitrary<FuzzRequest> {
  const bodies = bodyArbitrary(operation, defs);
  // Real ids only on reads: a write that gets past validation should land on a missing row.
  const useFixtures = operation.method === 'GET' || operation.body !== undefined;
  const params = fc.record(
    Object.fromEntries(operation.pathParams.map((name) => [name, pathValueArbitrary(useFixtures ? fixtureFor(operation, name, fixtures) : undefined)])),
  );
  return fc
    .record({ role: fc.constantFrom<'admin' | 'viewer'>('admin', 'admin', 'admin', 'viewer'), params, query: queryArbitrary(operation, defs), bodies })
    .map(({ role, params, query, bodies }) => ({ role, params, query, ...bodies }));
}

function objectWithKey(key: string, value: unknown): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  setKey(object, key, value);
  return object;
}

/** Keys whose values select a schema variant: a nasty there only tests the discriminator. */
const selectorKeys = new Set(['type', 'kind', 'role', 'mode']);

function stringLeaves(value: unknown, at: string[] = []): string[][] {
  if (typeof value === 'string') return selectorKeys.has(at.at(-1) ?? '') ? [] : [at];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => stringLeaves(item, [...at, key]));
}

function withLeaf(example: unknown, at: string[], value: string): unknown {
  const copy = structuredClone(example) as Record<string, unknown>;
  let host = copy;
  for (const key of at.slice(0, -1)) host = host[key] as Record<string, unknown>;
  host[at.at(-1)!] = value;
  return copy;
}

/** Hand-written bodies every operation gets, around a valid example of its body. */
export function nastyBodies(example: unknown): FuzzBody[] {
  const raw = (label: string, contentType: string | null, data: string | Uint8Array): FuzzBody => ({ kind: 'raw', contentType, data, label });
  const json = (value: unknown): FuzzBody => ({ kind: 'json', value });
  const base = typeof example === 'object' && example !== null && !Array.isArray(example) ? (example as Record<string, unknown>) : {};
  const leaves = stringLeaves(base);
  const withEveryLeaf = (value: string) => leaves.map((at) => json(withLeaf(base, at, value)));
  const text = JSON.stringify(base);
  return [
    ...['\u0000', 'a\u0000b', '\ud800', 'x\udfff'].flatMap(withEveryLeaf),
    ...['\u0000', '\ud800', '__proto__', 'constructor', 'prototype'].map((key) => json({ ...base, ...objectWithKey(key, { polluted: true }) })),
    json(objectWithKey('__proto__', { admin: true, role: 'admin' })),
    ...withEveryLeaf('x'.repeat(1_000_000)).slice(0, 1),
    raw('1.1 MB string', 'application/json', JSON.stringify({ name: 'y'.repeat(1_100_000) })),
    raw('10,000 nested arrays', 'application/json', deeplyNested(10_000, 'array')),
    raw('10,000 nested objects', 'application/json', deeplyNested(10_000, 'object')),
    json(Array.from({ length: 100_000 }, () => 0)),
    raw('no content type', null, text),
    raw('text/plain', 'text/plain', text),
    raw('form-urlencoded', 'application/x-www-form-urlencoded', 'name=x&type=upload'),
    raw('multipart without boundary', 'multipart/form-data', text),
    raw('malformed multipart', 'multipart/form-data; boundary=zzz', '--zzz\r\nContent-Disposition: form-data; name="file"\r\n\r\nno end'),
    raw('content type with charset', 'application/json; charset=latin1', text),
    raw('truncated JSON', 'application/json', text.slice(0, Math.max(1, Math.floor(text.length / 2)))),
    raw('empty body', 'application/json', ''),
    raw('whitespace body', 'application/json', '  \n '),
    raw('invalid UTF-8', 'application/json', new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d])),
    raw('NUL byte in JSON text', 'application/json', '{"name":"a\u0000b"}'),
    raw('huge number', 'application/json', `{"limit":1${'0'.repeat(400)},"everySeconds":-1e400}`),
    raw('duplicate keys', 'application/json', '{"name":"a","name":{"b":1}}'),
    json(null),
    json('string'),
    json(12),
    json([]),
    json({ ...base, schedule: { type: 'cron', expression: '0 0 31 2 *', timezone: 'Mars/Olympus' } }),
    json({ ...base, schedule: { type: 'cron', expression: '* * * * * * *' } }),
    json({ ...base, schedule: { type: 'once', at: '1970-01-01T00:00:00Z' } }),
    json({ ...base, schedule: { type: 'interval', everySeconds: 1e308 } }),
  ];
}

/** The URL of a request: the template filled with its (encoded) parameters. */
export function urlOf(operation: Operation, request: Pick<FuzzRequest, 'params' | 'query'>): string {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => request.params[name] ?? 'missing');
  return request.query ? `${path}?${request.query}` : path;
}

/** A short, printable description of a body, with long values cut. */
export function describeBody(body: FuzzBody): string {
  const cut = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text);
  if (body.kind === 'none') return '(no body)';
  if (body.kind === 'json') return cut(JSON.stringify(body.value) ?? 'undefined');
  const data = typeof body.data === 'string' ? body.data : `bytes ${Buffer.from(body.data).toString('hex')}`;
  return `${body.label} [${body.contentType ?? 'no content-type'}]: ${cut(data)}`;
}
