import { setTimeout as delay } from 'node:timers/promises';
import fc from 'fast-check';
import type { Db } from '../../db/database.ts';
import type { TestApp } from './api.ts';
import {
  describeBody,
  fixtureFor,
  nastyBodies,
  nastyPathSegments,
  requestArbitrary,
  urlOf,
  type FuzzFixtures,
  type FuzzRequest,
  type Operation,
} from './fuzz-requests.ts';
import { rowChanges, snapshotRows, type RowSnapshot } from './row-snapshot.ts';
import type { SchemaDefs } from './fuzz-schema.ts';

/** What one dialect's run needs: the app, its database, keys and real ids, and how to judge a body. */
export interface FuzzTarget {
  dialect: string;
  /** Unique per run: Temporal's workflow ids outlive the database, and other files share the server. */
  runId: string;
  app: TestApp;
  db: Db;
  keys: { admin: string; viewer: string };
  fixtures: FuzzFixtures;
  defs: SchemaDefs;
  /** Whether the body passes the operation's JSON Schema (ajv): such requests may write. */
  bodyPasses(operation: Operation, value: unknown): boolean;
  /** The error the app's onError saw, by request id: the reason behind a 500. */
  loggedErrors: Map<string, string>;
  /** A valid body per operation, the base of the hand-written nasties. */
  examples: Record<string, unknown>;
  /** Accepted generated writes allowed per operation; more would create rows (and workflows) by the thousand. */
  writeBudget: Record<string, number>;
}

export interface Finding {
  kind: '5xx' | 'envelope' | 'rows';
  dialect: string;
  operation: string;
  url: string;
  status: number;
  excerpt: string;
  input: string;
  signature: string;
  /** Status and reason, digits masked: what a shrunk input must still produce. */
  reasonKey: string;
  /** Index of the generated input in the sample, for fast-check's replay path. */
  index: number | undefined;
  shrunk?: string;
}

interface Outcome {
  status: number;
  text: string;
  problem: string | undefined;
  reason: string;
}

export interface RouteStats {
  operation: string;
  sent: number;
  /** Responses that were 5xx. */
  serverErrors: number;
  skipped: number;
  /** How many responses had each status. */
  statuses: Record<number, number>;
  elapsedMs: number;
  findings: Finding[];
}

const keyOf = (operation: Operation) => `${operation.method} ${operation.path}`;
const mask = (text: string) => text.replace(/[0-9a-f]{8,}|\d+/g, '#');
const reasonKeyOf = (outcome: Outcome) => `${outcome.status} ${mask(outcome.reason || outcome.text.slice(0, 120))}`;
const BATCH = 64;
const PARALLEL = 4;
/** Creations of a connector are cleaned up at once: a generated schedule could fire a sync mid-run. */
const connectorCreations = new Set(['POST /v1/connectors', 'PUT /v1/connectors/{id}']);
const creations = new Set([...connectorCreations, 'POST /v1/credentials', 'POST /v1/workspaces']);
/** Routes whose accepted request leaves a workflow writing after the response: never aimed at the fixtures. */
const backgroundWriters = new Set(['POST /v1/connectors/{id}/sync']);

function problemOf(operation: Operation, status: number, contentType: string, text: string): string | undefined {
  if (status >= 500) return `status ${status}`;
  if (operation.path.endsWith('/events') && status === 200) return undefined;
  if (!contentType.includes('application/json')) return `not JSON (content-type ${contentType || 'none'})`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'body is not valid JSON';
  }
  if (status < 400) return undefined;
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  const envelope = error && typeof error.code === 'string' && typeof error.message === 'string' && 'details' in error;
  return envelope ? undefined : 'no {error:{code,message,details}} envelope';
}

/** Runs one operation's requests on one dialect, checking statuses, envelopes and rows. */
export class RouteFuzzer {
  readonly stats: RouteStats;
  private baseline!: RowSnapshot;
  private writes = 0;
  private readonly signatures = new Set<string>();
  private readonly indexes = new Map<FuzzRequest, number>();

  private readonly target: FuzzTarget;
  private readonly operation: Operation;

  constructor(target: FuzzTarget, operation: Operation) {
    this.target = target;
    this.operation = operation;
    this.stats = { operation: keyOf(operation), sent: 0, serverErrors: 0, skipped: 0, statuses: {}, elapsedMs: 0, findings: [] };
  }

  private isWriter(request: FuzzRequest): boolean {
    const { operation, target } = this;
    if (request.role !== 'admin' || operation.method === 'GET') return false;
    if (request.body.kind === 'raw') return false;
    if (operation.body && request.body.kind === 'json' && !target.bodyPasses(operation, request.body.value)) return false;
    if (creations.has(keyOf(operation))) return true;
    return operation.pathParams.every((name) => request.params[name] === fixtureFor(operation, name, target.fixtures));
  }

  /** A generated write over the budget goes to a missing id, or is not sent when it would create. */
  private withinBudget(request: FuzzRequest): FuzzRequest | undefined {
    if (this.writes < (this.target.writeBudget[keyOf(this.operation)] ?? 0)) {
      this.writes += 1;
      // PUT creates under the path id: a fresh one, so the fixture connector is never replaced.
      return this.operation.method === 'PUT' && connectorCreations.has(keyOf(this.operation))
        ? { ...request, params: { ...request.params, id: `fuzz-put-${this.target.runId}-${this.writes}` } }
        : request;
    }
    if (creations.has(keyOf(this.operation))) return undefined;
    return { ...request, params: Object.fromEntries(Object.keys(request.params).map((name) => [name, 'fuzz-missing-id'])) };
  }

  async send(request: FuzzRequest): Promise<Outcome> {
    const { target, operation } = this;
    const headers: Record<string, string> = { authorization: `Bearer ${target.keys[request.role]}` };
    let body: string | Uint8Array | undefined;
    if (request.body.kind === 'json' && operation.method !== 'GET') {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body.value) ?? 'null';
    } else if (request.body.kind === 'raw' && operation.method !== 'GET') {
      if (request.body.contentType) headers['content-type'] = request.body.contentType;
      body = request.body.data;
    }
    const response = await target.app.request(urlOf(operation, request), { method: operation.method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    this.stats.sent += 1;
    if (response.status >= 500) this.stats.serverErrors += 1;
    this.stats.statuses[response.status] = (this.stats.statuses[response.status] ?? 0) + 1;
    const reason = target.loggedErrors.get(response.headers.get('x-request-id') ?? '') ?? '';
    return { status: response.status, text, problem: problemOf(operation, response.status, response.headers.get('content-type') ?? '', text), reason };
  }

  private record(kind: Finding['kind'], request: FuzzRequest, outcome: Outcome, detail: string): string {
    const url = urlOf(this.operation, request);
    const signature = `${kind} ${this.stats.operation} ${outcome.status} ${mask(detail).slice(0, 160)}`;
    if (!this.signatures.has(signature)) {
      this.signatures.add(signature);
      this.stats.findings.push({
        kind,
        dialect: this.target.dialect,
        operation: this.stats.operation,
        url: url.length > 200 ? `${url.slice(0, 200)}…` : url,
        status: outcome.status,
        excerpt: `${outcome.text.slice(0, 300)}${outcome.reason ? ` | logged: ${outcome.reason}` : ''}`,
        input: `${request.role} key, ${request.source}, body ${describeBody(request.body)}`,
        signature,
        reasonKey: reasonKeyOf(outcome),
        index: this.indexes.get(request),
      });
    }
    return signature;
  }

  private judge(request: FuzzRequest, outcome: Outcome): void {
    if (outcome.problem)
      this.record(outcome.status >= 500 ? '5xx' : 'envelope', request, outcome, `${outcome.problem} ${outcome.reason || outcome.text.slice(0, 120)}`);
  }

  /** Sends one write alone, between two snapshots: a refused one must leave every table as it was. */
  private async sendWrite(request: FuzzRequest): Promise<void> {
    const before = await snapshotRows(this.target.db);
    const outcome = await this.send(request);
    this.judge(request, outcome);
    const accepted = outcome.status >= 200 && outcome.status < 300;
    if (accepted && connectorCreations.has(this.stats.operation)) {
      await this.removeConnector((JSON.parse(outcome.text) as { data: { id: string } }).data.id);
    }
    const after = accepted ? await this.settled() : await snapshotRows(this.target.db);
    const changes = rowChanges(before, after);
    if (!accepted && changes.length > 0) this.record('rows', request, outcome, `refused request wrote rows: ${changes.join(', ')}`);
    this.baseline = after;
  }

  private async removeConnector(id: string): Promise<void> {
    const headers = { authorization: `Bearer ${this.target.keys.admin}` };
    await this.target.app.request(`/v1/connectors/${id}`, { method: 'DELETE', headers });
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if ((await this.target.app.request(`/v1/connectors/${id}`, { headers })).status === 404) return;
      await delay(100);
    }
    throw new Error(`connector ${id}, created by the fuzz, was not deleted within 10 s`);
  }

  /**
   * The rows once an accepted write's tail (a workflow finishing after the response) has stopped
   * moving: a sync it started has ended, and the rows stayed still twice in a row.
   */
  private async settled(): Promise<RowSnapshot> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const active = await this.target.db.selectFrom('sync_jobs').select('id').where('status', 'in', ['queued', 'running', 'canceling']).executeTakeFirst();
      if (!active) break;
      await delay(50);
    }
    let last = await snapshotRows(this.target.db);
    for (let quiet = 0, attempt = 0; quiet < 2 && attempt < 50; attempt += 1) {
      await delay(50);
      const next = await snapshotRows(this.target.db);
      quiet = rowChanges(last, next).length === 0 ? quiet + 1 : 0;
      last = next;
    }
    return last;
  }

  /** Refused requests in parallel, then one snapshot; a change is traced by replaying them one by one. */
  private async sendBatch(requests: FuzzRequest[]): Promise<void> {
    const outcomes: Outcome[] = Array.from({ length: requests.length });
    for (let next = 0; next < requests.length; next += PARALLEL) {
      const slice = requests.slice(next, next + PARALLEL);
      const answered = await Promise.all(slice.map((request) => this.send(request)));
      answered.forEach((outcome, index) => {
        outcomes[next + index] = outcome;
        this.judge(slice[index]!, outcome);
      });
    }
    const after = await snapshotRows(this.target.db);
    if (rowChanges(this.baseline, after).length === 0) return;
    let traced = false;
    for (const [index, request] of requests.entries()) {
      if (outcomes[index]!.status < 300 && this.operation.method !== 'GET') continue;
      const before = await snapshotRows(this.target.db);
      const outcome = await this.send(request);
      const changes = rowChanges(before, await snapshotRows(this.target.db));
      if (changes.length === 0) continue;
      traced = true;
      this.record('rows', request, outcome, `request answered ${outcome.status} wrote rows: ${changes.join(', ')}`);
    }
    const acceptedWrite = outcomes.some((outcome) => outcome.status < 300) && this.operation.method !== 'GET';
    if (!traced && !acceptedWrite)
      this.record('rows', requests[0]!, outcomes[0]!, `rows changed in a batch of refused requests: ${rowChanges(this.baseline, after).join(', ')}`);
    this.baseline = await snapshotRows(this.target.db);
  }

  /** Sends the requests in order: writes alone, the rest in batches. */
  async sendAll(requests: FuzzRequest[]): Promise<void> {
    this.baseline = await snapshotRows(this.target.db);
    let batch: FuzzRequest[] = [];
    const flush = async () => {
      if (batch.length > 0) await this.sendBatch(batch);
      batch = [];
    };
    for (const request of requests) {
      if (!this.isWriter(request)) {
        batch.push(request);
        if (batch.length >= BATCH) await flush();
        continue;
      }
      await flush();
      const allowed = request.source === 'nasty' ? request : this.withinBudget(request);
      if (!allowed) this.stats.skipped += 1;
      else if (this.isWriter(allowed)) await this.sendWrite(allowed);
      else await this.sendBatch([allowed]);
    }
    await flush();
  }

  /** The hand-written requests: nasty bodies under both keys, nasty path segments, no or wrong keys. */
  nastyRequests(): FuzzRequest[] {
    const { operation, target } = this;
    const realParams = Object.fromEntries(
      operation.pathParams.map((name) => [
        name,
        operation.body && !backgroundWriters.has(keyOf(operation)) ? (fixtureFor(operation, name, target.fixtures) ?? 'fuzz-missing-id') : 'fuzz-missing-id',
      ]),
    );
    const example = target.examples[keyOf(operation)];
    const base = { params: realParams, query: '', source: 'nasty' as const };
    const requests: FuzzRequest[] = [];
    if (operation.method !== 'GET') {
      for (const body of nastyBodies(example)) requests.push({ ...base, role: 'admin', body });
      for (const body of nastyBodies(example).slice(0, 8)) requests.push({ ...base, role: 'viewer', body });
    }
    const exampleBody = example === undefined ? ({ kind: 'none' } as const) : ({ kind: 'json', value: example } as const);
    for (const name of operation.pathParams) {
      for (const segment of nastyPathSegments) requests.push({ ...base, role: 'admin', params: { ...realParams, [name]: segment }, body: exampleBody });
    }
    for (const parameter of operation.queryParams) {
      for (const value of ['%00', '%ED%A0%80', '%ff', 'a'.repeat(10_000), '-1', '1e309', 'W1siXHUwMDAwIiwiXHVkODAwIl1d', 'IlxcdTAwMDAi']) {
        requests.push({ ...base, role: 'admin', query: `${parameter.name}=${value}`, body: { kind: 'none' } });
      }
    }
    return requests;
  }

  /** Generated requests; the first request of each new 5xx is replayed through fast-check to shrink it. */
  async fuzz(runs: number, seed: number): Promise<void> {
    const started = Date.now();
    await this.sendAll(this.nastyRequests());
    const arbitrary = fc.limitShrink(requestArbitrary(this.operation, this.target.defs, this.target.fixtures), 60);
    const requests = fc.sample(arbitrary, { seed, numRuns: runs });
    requests.forEach((request, index) => this.indexes.set(request, index));
    await this.sendAll(requests);
    const generated = this.stats.findings.filter((finding) => finding.kind === '5xx' && finding.index !== undefined).slice(0, 3);
    for (const finding of generated) {
      const result = await fc.check(
        // Writes are not replayed: shrinking must not create rows.
        fc.asyncProperty(arbitrary, async (request) => this.isWriter(request) || reasonKeyOf(await this.send(request)) !== finding.reasonKey),
        { seed, path: String(finding.index), numRuns: runs, plugins: [fc.interruptAfterTimeLimit(4_000)] },
      );
      const shrunk = (result.counterexample as [FuzzRequest] | null)?.[0];
      if (shrunk) {
        finding.shrunk = `${urlOf(this.operation, shrunk)} ${shrunk.role} key, body ${describeBody(shrunk.body)}`;
      }
    }
    this.stats.elapsedMs = Date.now() - started;
  }
}
