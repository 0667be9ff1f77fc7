import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import pg from 'pg';
import type { AddressPolicy } from '../../net/address-policy.ts';
import { BlockedAddressError } from '../../net/guarded-fetch.ts';
import { SourceHttpError } from '../http/source-errors.ts';
import type { PostgresqlConfig } from './config.ts';

export const DEFAULT_STATEMENT_TIMEOUT_SECONDS = 60;

/**
 * A connection to the source that can only read: each statement runs alone in a READ ONLY
 * transaction under the statement timeout, so the server refuses a query that writes.
 * @example
 * const connection = await connectSource(config, secret, policy);
 * try { rows = await connection.read('SELECT id FROM articles WHERE id > $1', [after]); } finally { await connection.end(); }
 */
export interface SourceConnection {
  /** One statement's rows; a failure the same statement would meet again comes back as a non-retryable SourceHttpError. */
  read<Row extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<Row[]>;
  end(): Promise<void>;
}

/** Resolves the host once and connects to the checked address, so DNS cannot point it elsewhere afterwards. */
async function resolveAllowed(host: string, policy: AddressPolicy): Promise<string> {
  const address = isIP(host) ? host : (await lookup(host)).address;
  if (!policy.allowsAddress(address, host)) {
    throw new BlockedAddressError(`${host} resolves to ${address}, a private or local address; add it to TRIBUTARY_ALLOWED_HOSTS to allow it`);
  }
  return address;
}

/** Opens a read-only connection; `heartbeat` is called every few seconds while a statement runs. */
export async function connectSource(
  config: PostgresqlConfig,
  secret: { username: string; password: string },
  policy: AddressPolicy,
  heartbeat?: () => void,
): Promise<SourceConnection> {
  const timeoutMs = (config.statementTimeoutSeconds ?? DEFAULT_STATEMENT_TIMEOUT_SECONDS) * 1000;
  const client = new pg.Client({
    host: await resolveAllowed(config.host, policy),
    port: config.port,
    database: config.database,
    user: secret.username,
    password: secret.password,
    ssl: config.ssl ? { servername: config.host } : false,
    connectionTimeoutMillis: 10_000,
    statement_timeout: timeoutMs,
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectError(error);
  }
  return {
    async read<Row extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> {
      // A statement may run up to the timeout, far past the sync's heartbeat timeout.
      const beat = heartbeat ? setInterval(heartbeat, 5_000) : undefined;
      try {
        // Set per transaction, not per session: a query could lift session settings for the next statement with set_config().
        await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${timeoutMs}`);
        // The extended protocol takes exactly one statement, so text after a `;` in the query is refused, not run.
        const statement: pg.QueryConfig & { queryMode: 'extended' } = { text, values, queryMode: 'extended' };
        const result = await client.query<Row>(statement);
        await client.query('COMMIT');
        return result.rows;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw queryError(config, error);
      } finally {
        clearInterval(beat);
      }
    },
    end: () => client.end().catch(() => undefined),
  };
}

/** The rows to sync, as SQL: the table, or the configured query wrapped so it can be filtered. */
export function sourceRelation(config: PostgresqlConfig): string {
  return config.table ? `"${config.schema}"."${config.table}"` : `(${config.query}) AS source`;
}

/** A refused login or a missing database is the same on every retry; a server that is down or full may come back. */
function connectError(error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError) || !/^(28|3D)/.test(error.code ?? '')) return error;
  return new SourceHttpError(401, `PostgreSQL refused the connection: ${error.message}`);
}

/** SQLSTATE classes a statement meets again on every retry: unsupported, cardinality, data, schema name, syntax and privilege. */
const permanentClasses = new Set(['0A', '21', '22', '3F', '42']);

/**
 * A statement's failure as the sync must take it: a refusal that a retry cannot change stops the
 * sync with its reason; a timeout is retried, as the source may be less busy later.
 */
function queryError(config: PostgresqlConfig, error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError) || error.code === undefined) return error;
  if (error.code === '57014') {
    const seconds = config.statementTimeoutSeconds ?? DEFAULT_STATEMENT_TIMEOUT_SECONDS;
    return new SourceHttpError(504, `PostgreSQL cancelled the source query after ${seconds} s (statementTimeoutSeconds): ${error.message}`);
  }
  // 25006: the statement tried to write; 25001: it tried to make its transaction read-write.
  if (!['25001', '25006'].includes(error.code) && !permanentClasses.has(error.code.slice(0, 2))) return error;
  const what = config.query
    ? 'the source query, which must be one read-only SELECT'
    : `to read ${config.table ? sourceRelation(config) : `the tables of schema "${config.schema}"`}`;
  return new SourceHttpError(400, `PostgreSQL refused ${what}: ${error.message}`);
}
