import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import pg from 'pg';
import { z } from 'zod';
import type { CheckResult, ConnectorDefinition } from '../connector-definition.ts';
import type { AddressPolicy } from '../http/address-policy.ts';
import { BlockedAddressError } from '../http/guarded-fetch.ts';
import { withCredential } from '../http/http-check.ts';

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, 'must be a plain SQL identifier');

export const postgresqlConfigSchema = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535).default(5432),
    database: z.string().min(1).max(63),
    schema: identifier.default('public'),
    table: identifier.optional().meta({ description: 'A table whose rows become documents.' }),
    query: z.string().min(1).max(20_000).optional().meta({ description: 'A read-only SELECT whose rows become documents, instead of a table.' }),
    idColumn: identifier.meta({ description: 'Unique id of a row; the document’s external id.' }),
    updatedAtColumn: identifier.optional().meta({ description: 'Makes syncs incremental: only rows changed since the last sync are read.' }),
    titleColumn: identifier.optional(),
    contentColumns: z.array(identifier).min(1).max(100).optional().meta({ description: 'Columns joined into the text; all columns when absent.' }),
    ssl: z.boolean().default(false),
  })
  .strict()
  .refine((config) => Boolean(config.table) !== Boolean(config.query), { message: 'set exactly one of table or query', path: ['table'] })
  .meta({ id: 'PostgresqlConfig', example: { host: 'db.internal', port: 5432, database: 'wiki', schema: 'public', table: 'articles', idColumn: 'id', updatedAtColumn: 'updated_at' } });

export type PostgresqlConfig = z.infer<typeof postgresqlConfigSchema>;

/** Resolves the host once and connects to the checked address, so DNS cannot point it elsewhere afterwards. */
async function resolveAllowed(host: string, policy: AddressPolicy): Promise<string> {
  const address = isIP(host) ? host : (await lookup(host)).address;
  if (!policy.allowsAddress(address, host)) {
    throw new BlockedAddressError(`${host} resolves to ${address}, a private or local address; add it to TRIBUTARY_ALLOWED_HOSTS to allow it`);
  }
  return address;
}

export async function connectSource(
  config: PostgresqlConfig,
  secret: { username: string; password: string },
  policy: AddressPolicy,
): Promise<pg.Client> {
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

export const postgresql: ConnectorDefinition<PostgresqlConfig> = {
  type: 'postgresql',
  title: 'PostgreSQL',
  configSchema: postgresqlConfigSchema,
  credentialKinds: ['database_password'],
  async check({ config, credential, policy }): Promise<CheckResult> {
    return withCredential('PostgreSQL', credential, async (credential) => {
      let client: pg.Client | undefined;
      try {
        client = await connectSource(config, credential.secret as { username: string; password: string }, policy);
        await client.query(`SELECT "${config.idColumn}" FROM ${sourceRelation(config)} LIMIT 1`);
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: `PostgreSQL at ${config.host}:${config.port}/${config.database}: ${(error as Error).message}` };
      } finally {
        await client?.end().catch(() => undefined);
      }
    });
  },
};
