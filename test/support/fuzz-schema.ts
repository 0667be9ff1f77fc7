import fc from 'fast-check';

/** A JSON Schema node of the OpenAPI document, as `@hono/zod-openapi` writes it (3.1, refs to components). */
export type JsonSchema = { [keyword: string]: unknown };
export type SchemaDefs = Record<string, JsonSchema>;

const MAX_DEPTH = 6;

/** Strings that broke, or could break, a layer below the validator: drivers, FTS, Temporal, logs. */
export const nastyStrings: readonly string[] = [
  '',
  '\u0000',
  'nul\u0000inside',
  '\ud800',
  'lone\udfffsurrogate',
  '\ufeffbom',
  '\u202eright-to-left',
  '💥'.repeat(50),
  'a'.repeat(10_000),
  '"; DROP TABLE connectors; --',
  "' OR '1'='1",
  '../../etc/passwd',
  '%00',
  '${jndi:ldap://127.0.0.1/a}',
  'NEAR("a" "b")',
  '"unterminated',
  '*',
  'AND OR NOT',
  '\\',
  ' ',
];

/** Keys that reach an object's prototype chain if a layer copies them naively. */
export const prototypeKeys: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export const boundaryNumbers: readonly number[] = [
  0,
  -0,
  -1,
  0.5,
  59,
  60,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e21,
];

function resolve(schema: JsonSchema, defs: SchemaDefs): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace(/^#\/(components\/schemas|\$defs)\//, '');
  const target = defs[name];
  if (!target) throw new Error(`unresolved $ref ${ref}`);
  return resolve(target, defs);
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : undefined;
  if (integer) {
    const safe = (value: number | undefined, fallback: number) => Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, value ?? fallback));
    return fc.integer({ min: safe(min, -(2 ** 31)), max: safe(max, 2 ** 31 - 1) });
  }
  return fc.double({ min: min ?? -1e9, max: max ?? 1e9, noNaN: true, noDefaultInfinity: true });
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern));
  if (schema.format === 'date-time') {
    return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());
  }
  if (schema.format === 'email') return fc.emailAddress();
  if (schema.format === 'uri') return fc.webUrl();
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = Math.max(minLength, Math.min(typeof schema.maxLength === 'number' ? schema.maxLength : 40, 40));
  return fc.oneof(fc.string({ minLength, maxLength }), fc.string({ minLength, maxLength, unit: 'binary' }));
}

function objectArbitrary(schema: JsonSchema, defs: SchemaDefs, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const shape = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, schemaArbitrary(value, defs, depth + 1)]));
  const known = fc.record(shape, { requiredKeys: required.filter((key) => key in shape) });
  const extra = schema.additionalProperties;
  if (extra === false || Object.keys(properties).length > 0) return known;
  const valueArb = typeof extra === 'object' && extra !== null ? schemaArbitrary(extra as JsonSchema, defs, depth + 1) : fc.jsonValue({ maxDepth: 2 });
  return fc.dictionary(fc.string({ maxLength: 12 }), valueArb, { maxKeys: 4 });
}

/** Values shaped like the schema: most pass it, refinements zod adds beyond JSON Schema aside. */
export function schemaArbitrary(node: JsonSchema, defs: SchemaDefs, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(node, defs);
  if (depth > MAX_DEPTH) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) {
    const variants = schema[keyword];
    if (Array.isArray(variants) && variants.length > 0) {
      const arbitraries = (variants as JsonSchema[]).map((variant) => schemaArbitrary(variant, defs, depth + 1));
      return keyword === 'allOf' ? arbitraries[0]! : fc.oneof(...arbitraries);
    }
  }
  const type = Array.isArray(schema.type) ? schema.type : [schema.type];
  const arbitraries = type.map((name): fc.Arbitrary<unknown> => {
    switch (name) {
      case 'string':
        return stringArbitrary(schema);
      case 'integer':
      case 'number':
        return numberArbitrary(schema, name === 'integer');
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        const items = (schema.items ?? {}) as JsonSchema;
        const minLength = typeof schema.minItems === 'number' ? schema.minItems : 0;
        return fc.array(schemaArbitrary(items, defs, depth + 1), { minLength, maxLength: Math.max(minLength, 4) });
      }
      case 'object':
        return objectArbitrary(schema, defs, depth);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  });
  return arbitraries.length === 1 ? arbitraries[0]! : fc.oneof(...arbitraries);
}

type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'remove'; at: number }
  | { kind: 'extra-key'; at: number; key: string; value: unknown }
  | { kind: 'huge-array'; at: number; length: number };

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, '', [], {}, 'x', [null], { nested: { deeper: [] } }),
  fc.constantFrom(...boundaryNumbers),
  fc.constantFrom(...nastyStrings),
  fc.jsonValue({ maxDepth: 2 }),
);

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: wrongValue }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('extra-key' as const),
    at: fc.nat(),
    key: fc.oneof(fc.constantFrom(...prototypeKeys, '\u0000', '\ud800', ''), fc.string({ maxLength: 10 })),
    value: wrongValue,
  }),
);

/** Huge arrays are costly to send and to validate: rarer than the other mutations. */
const weightedMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: mutationArbitrary, weight: 30 },
  { arbitrary: fc.record({ kind: fc.constant('huge-array' as const), at: fc.nat(), length: fc.constantFrom(1_000, 10_000) }), weight: 1 },
);

/** Sets an own property, so `__proto__` becomes a key of the JSON rather than the prototype. */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const MAX_SLOTS = 200;

/** Where a mutation may land: every key and index, up to MAX_SLOTS (a huge array is not walked). */
function containers(value: unknown, out: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = []) {
  if (typeof value !== 'object' || value === null) return out;
  for (const [key, item] of Object.entries(value)) {
    if (out.length >= MAX_SLOTS) break;
    out.push({ parent: value as Record<string, unknown>, key: Array.isArray(value) ? Number(key) : key });
    containers(item, out);
  }
  return out;
}

function applyMutation(root: unknown, original: Mutation): unknown {
  // Generated values may be shared between runs (constantFrom): a copy keeps them, and the result, acyclic.
  const mutation = structuredClone(original);
  const slots = containers(root);
  if (slots.length === 0) return mutation.kind === 'replace' ? mutation.value : root;
  const slot = slots[mutation.at % slots.length]!;
  const { parent, key } = slot;
  const current = (parent as Record<string | number, unknown>)[key];
  if (mutation.kind === 'replace') (parent as Record<string | number, unknown>)[key] = mutation.value;
  // A primitive repeated: repeating a container could multiply into gigabytes over three mutations.
  else if (mutation.kind === 'huge-array')
    (parent as Record<string | number, unknown>)[key] = Array.from({ length: mutation.length }, () => (typeof current === 'object' ? 0 : current));
  else if (mutation.kind === 'remove') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else {
    const host = typeof current === 'object' && current !== null && !Array.isArray(current) ? (current as Record<string, unknown>) : parent;
    if (!Array.isArray(host)) setKey(host, mutation.key, mutation.value);
  }
  return root;
}

/** Schema-shaped values with zero to three mutations: wrong types, missing keys, extra keys, boundaries, huge arrays. */
export function nearSchemaArbitrary(schema: JsonSchema, defs: SchemaDefs): fc.Arbitrary<unknown> {
  return fc
    .tuple(schemaArbitrary(schema, defs), fc.array(weightedMutation, { maxLength: 3 }))
    .map(([value, mutations]) => mutations.reduce<unknown>((root, mutation) => applyMutation(root, mutation), structuredClone(value)));
}

/** `depth` levels of `[[[...]]]` or `{"a":{"a":...}}`, as text: building it as a value would overflow JSON.stringify. */
export function deeplyNested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + 'null' + '}'.repeat(depth);
}
