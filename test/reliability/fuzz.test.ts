import { randomUUID } from 'node:crypto';
import type { ErrorHandler } from 'hono';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../api/principal.ts';
import { call, createTestApp, createTestKey, type TestApp } from '../support/api.ts';
import { eventually } from '../support/control-plane.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { operationsOf, type FuzzFixtures, type Operation } from '../support/fuzz-requests.ts';
import { RouteFuzzer, type Finding, type FuzzTarget, type RouteStats } from '../support/fuzz-runner.ts';
import type { JsonSchema, SchemaDefs } from '../support/fuzz-schema.ts';
import { connectTestClient, startTestWorker, type TestWorker } from '../support/temporal.ts';

const seed = Number(process.env.FUZZ_SEED ?? 20_260_601);
if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${process.env.FUZZ_SEED}`);
/** Generated requests per operation and dialect: bodies get most, parameter-only routes fewer. */
const RUNS = { body: Number(process.env.FUZZ_BODY_RUNS ?? 1500), params: Number(process.env.FUZZ_PARAM_RUNS ?? 400) } as const;

/** A valid body of each JSON operation: the hand-written nasties change one field of it at a time. */
const examples: Record<string, unknown> = {
  'POST /v1/connectors': { name: 'fuzz', description: 'fuzzed', type: 'upload', config: {}, metadata: { team: 'fuzz' } },
  'PUT /v1/connectors/{id}': { name: 'fuzz', description: 'fuzzed', type: 'upload', config: {}, metadata: { team: 'fuzz' } },
  'PATCH /v1/connectors/{id}': { name: 'fuzz', description: 'fuzzed', metadata: { team: 'fuzz' } },
  'POST /v1/connectors/oauth/{type}/callback': { code: 'code', state: 'state' },
  'POST /v1/connectors/{id}/sync': { mode: 'full' },
  'POST /v1/credentials': { name: 'fuzz', type: 'jira', kind: 'api_token', secret: { token: 'token', email: 'fuzz@example.com' } },
  'PATCH /v1/credentials/{id}': { name: 'fuzz', secret: { token: 'token', email: 'fuzz@example.com' } },
  'POST /v1/workspaces': { name: 'fuzz' },
  'POST /v1/workspaces/{id}/api-keys': { name: 'fuzz', role: 'viewer' },
};

const writeBudget: Record<string, number> = {
  'POST /v1/connectors': 2,
  'PUT /v1/connectors/{id}': 2,
  'POST /v1/credentials': 8,
  'PATCH /v1/credentials/{id}': 4,
  'POST /v1/workspaces': 8,
  'POST /v1/workspaces/{id}/api-keys': 8,
};

const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => void unhandled.push(reason);
const allStats: Array<RouteStats & { dialect: string }> = [];

beforeAll(() => {
  process.on('unhandledRejection', recordUnhandled);
  process.on('uncaughtException', recordUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', recordUnhandled);
  process.off('uncaughtException', recordUnhandled);
});

describe.each(dialects)('every JSON route under generated and hostile input, on %s', (dialect) => {
  let database: TestDatabase;
  let client: Client;
  let worker: TestWorker;
  let app: TestApp;
  let target: FuzzTarget;
  let operations: Operation[];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    client = await connectTestClient();
    worker = await startTestWorker({ db: database.db, client });
    app = createTestApp({ db: database.db, client, taskQueue: worker.taskQueue });
    const loggedErrors = captureErrors(app);
    const keys = { admin: await createTestKey(database.db, 'default', 'admin'), viewer: await createTestKey(database.db, 'default', 'viewer') };
    const document = (await call(app, 'GET', '/openapi.json')).body;
    // FUZZ_ROUTES narrows the run to matching "METHOD /path" keys, to reproduce one finding quickly.
    const only = new RegExp(process.env.FUZZ_ROUTES ?? '.');
    // The seed systems' adapters answer in their own error styles; their own tests cover their refusals.
    operations = operationsOf(document).filter((operation) => !operation.foreignErrors && only.test(`${operation.method} ${operation.path}`));
    const defs = document.components.schemas as SchemaDefs;
    const runId = randomUUID().slice(0, 8);
    target = {
      dialect,
      runId,
      app,
      db: database.db,
      keys,
      fixtures: await createFixtures(app, keys.admin, `fuzz-upload-${runId}`),
      defs,
      bodyPasses: bodyValidator(defs),
      loggedErrors,
      examples,
      writeBudget,
    };
    console.log(`fuzz (${dialect}): seed ${seed} (set FUZZ_SEED to change it)`);
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await database?.drop();
  });

  it('answers every request below 500, in the error envelope, and refused requests write no row', async () => {
    const started = Date.now();
    const findings: Finding[] = [];
    for (const [index, operation] of operations.entries()) {
      const fuzzer = new RouteFuzzer(target, operation);
      await fuzzer.fuzz(operation.body ? RUNS.body : RUNS.params, seed + index);
      allStats.push({ ...fuzzer.stats, dialect });
      findings.push(...fuzzer.stats.findings);
    }
    const stats = allStats.filter((entry) => entry.dialect === dialect);
    for (const entry of stats) {
      console.log(
        `fuzz (${dialect}): ${entry.operation}: ${entry.sent} requests, ${entry.serverErrors} 5xx, ${entry.skipped} writes over budget not sent, ${entry.elapsedMs} ms, statuses ${JSON.stringify(entry.statuses)}`,
      );
    }
    const sent = stats.reduce((sum, entry) => sum + entry.sent, 0);
    const serverErrors = stats.reduce((sum, entry) => sum + entry.serverErrors, 0);
    console.log(
      `fuzz (${dialect}): ${stats.length} routes, ${sent.toLocaleString('en')} requests, ${serverErrors} 5xx, ${findings.length} distinct findings, ${Date.now() - started} ms`,
    );
    for (const finding of findings) console.log(`fuzz (${dialect}) finding: ${JSON.stringify(finding)}`);
    expect(sent).toBeGreaterThanOrEqual(operations.length * RUNS.params);
    expect(findings.slice(0, 8).map(describeFinding), `${findings.length} distinct findings`).toEqual([]);
  }, 600_000);

  it('raises no unhandled rejection or exception while fuzzing', () => {
    expect(allStats.some((entry) => entry.dialect === dialect)).toBe(true);
    expect(unhandled.map(String)).toEqual([]);
  });
});

describe('the fuzz harness', () => {
  let database: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    client = await connectTestClient();
  });
  afterAll(async () => {
    await client?.connection.close();
    await database?.drop();
  });

  it('reports a 500 with a shrunk input, and a refused request that wrote a row', async () => {
    // A route of the test's own, broken on purpose: proof that a real defect would turn the suite red.
    const app = createTestApp({ db: database.db, client, taskQueue: 'fuzz-canary-no-worker' });
    app.post('/v1/fuzz-canary/:id', async (c) => {
      const body = (await c.req.json().catch(() => null)) as { boom?: unknown; write?: unknown } | null;
      if (body?.boom === true) throw new Error('canary failure');
      if (body?.write === true)
        await database.db.insertInto('workspaces').values({ id: randomUUID(), name: 'canary', created_at: new Date().toISOString() }).execute();
      return c.json({ error: { code: 'invalid_request', message: 'refused', details: null } }, 400);
    });
    const keys = { admin: await createTestKey(database.db, 'default', 'admin'), viewer: await createTestKey(database.db, 'default', 'viewer') };
    const operation: Operation = {
      method: 'POST',
      path: '/v1/fuzz-canary/{id}',
      pathParams: ['id'],
      queryParams: [],
      body: { required: true, schema: { type: 'object', properties: { boom: { type: 'boolean' }, write: { type: 'boolean' }, name: { type: 'string' } } } },
      foreignErrors: false,
    };
    const fixtures = { workspaceId: 'default', connectorId: 'c', credentialId: 'c', jobId: 'j', documentId: 'd', collection: 'c' };
    const fuzzer = new RouteFuzzer(
      {
        dialect: 'sqlite',
        runId: 'canary',
        app,
        db: database.db,
        keys,
        fixtures,
        defs: {},
        bodyPasses: () => false,
        loggedErrors: captureErrors(app),
        examples: {},
        writeBudget: {},
      },
      operation,
    );
    await fuzzer.fuzz(200, seed);
    const serverError = fuzzer.stats.findings.find((finding) => finding.kind === '5xx');
    expect(serverError?.excerpt).toContain('canary failure');
    expect(serverError?.shrunk).toMatch(/"boom":true/);
    expect(fuzzer.stats.findings.some((finding) => finding.kind === 'rows' && finding.excerpt.includes('refused'))).toBe(true);
  });
});

function describeFinding(finding: Finding): string {
  return `[${finding.kind}] ${finding.operation} → ${finding.status} at ${finding.url}: ${finding.excerpt} — input: ${finding.input}${finding.shrunk ? ` — shrunk: ${finding.shrunk}` : ''}`;
}

/** Records the error behind each response onError built, by request id; the response itself only says "internal". */
function captureErrors(app: TestApp): Map<string, string> {
  const logged = new Map<string, string>();
  // Hono keeps the handler in a private field; wrapping it keeps createApp's mapping intact.
  const original = (app as unknown as { errorHandler: ErrorHandler<AppEnv> }).errorHandler;
  app.onError((error, c) => {
    const code = (error as { code?: unknown }).code;
    logged.set(
      c.get('requestId'),
      `${error.name}${typeof code === 'string' || typeof code === 'number' ? ` (${code})` : ''}: ${error.message.split('\n')[0]?.slice(0, 200)}`,
    );
    return original(error, c);
  });
  return logged;
}

/** ajv over the served schemas: a body that passes may be accepted, so it is sent alone and counted against the budget. */
function bodyValidator(defs: SchemaDefs): (operation: Operation, value: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
  const rewrite = (schema: JsonSchema) => JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', '#/$defs/')) as JsonSchema;
  const $defs = Object.fromEntries(Object.entries(defs).map(([name, schema]) => [name, rewrite(schema)]));
  const compiled = new Map<Operation, (value: unknown) => boolean>();
  return (operation, value) => {
    if (!operation.body) return true;
    let validate = compiled.get(operation);
    if (!validate) {
      const check = ajv.compile({ ...rewrite(operation.body.schema), $defs });
      validate = (input: unknown) => check(input) === true;
      compiled.set(operation, validate);
    }
    return validate(value);
  };
}

/** A real upload connector with one indexed document, a credential and a finished sync job. */
async function createFixtures(app: TestApp, key: string, connectorId: string): Promise<FuzzFixtures> {
  const connector = await call(app, 'POST', '/v1/connectors', { key, body: { id: connectorId, name: 'Fuzz', type: 'upload', config: {} } });
  expect(connector.status).toBe(201);
  const form = new FormData();
  form.append('file', new File(['fuzzing finds what tests forget'], 'notes.txt', { type: 'text/plain' }));
  const uploaded = await app.request(`/v1/connectors/${connectorId}/files`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  expect(uploaded.status).toBe(201);
  const credential = await call(app, 'POST', '/v1/credentials', { key, body: examples['POST /v1/credentials'] });
  expect(credential.status).toBe(201);
  const sync = await call(app, 'POST', `/v1/connectors/${connectorId}/sync`, { key });
  expect(sync.status).toBe(202);
  const jobId: string = sync.body.data.jobId;
  await eventually(async () => {
    const job = await call(app, 'GET', `/v1/connectors/${connectorId}/sync/${jobId}`, { key });
    expect(job.body.data.status).toBe('succeeded');
  }, 60_000);
  const documents = await call(app, 'GET', `/v1/collections/${connectorId}/documents`, { key });
  expect(documents.body.data).toHaveLength(1);
  return {
    workspaceId: 'default',
    connectorId,
    credentialId: credential.body.data.id,
    jobId,
    documentId: documents.body.data[0].id,
    collection: connectorId,
  };
}
