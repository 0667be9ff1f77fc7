import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import pg from 'pg';
import type { AddressPolicy } from '../../net/address-policy.ts';
import { BlockedAddressError } from '../../net/guarded-fetch.ts';
import type { PostgresqlConfig } from './config.ts';

/** Resolves the host once and connects to the checked address, so DNS cannot point it elsewhere afterwards. */
async function resolveAllowed(host: string, policy: AddressPolicy): Promise<string> {
  const address = isIP(host) ? host : (await lookup(host)).address;
  if (!policy.allowsAddress(address, host)) {
    throw new BlockedAddressError(`${host} resolves to ${address}, a private or local address; add it to TRIBUTARY_ALLOWED_HOSTS to allow it`);
  }
  return address;
}

export async function connectSource(config: PostgresqlConfig, secret: { username: string; password: string }, policy: AddressPolicy): Promise<pg.Client> {
  const client = new pg.Client({
    host: await resolveAllowed(config.host, policy),
    port: config.port,
    database: config.database,
    user: secret.username,
    password: secret.password,
    ssl: config.ssl ? { servername: config.host } : false,
    connectionTimeoutMillis: 10_000,
    statement_timeout: 60_000,
  });
  await client.connect();
  return client;
}

/** The rows to sync, as SQL: the table, or the configured query wrapped so it can be filtered. */
export function sourceRelation(config: PostgresqlConfig): string {
  return config.table ? `"${config.schema}"."${config.table}"` : `(${config.query}) AS source`;
}
