import pg from 'pg';
import { z } from 'zod';
import type { CheckResult, ConnectorDefinition } from '../connector-definition.ts';
import { withCredential } from '../http/http-check.ts';
import { connectSource, sourceRelation } from './connection.ts';
import { openPostgresSource } from './source.ts';

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
  .meta({
    id: 'PostgresqlConfig',
    example: { host: 'db.internal', port: 5432, database: 'wiki', schema: 'public', table: 'articles', idColumn: 'id', updatedAtColumn: 'updated_at' },
  });

export type PostgresqlConfig = z.infer<typeof postgresqlConfigSchema>;

export const postgresql: ConnectorDefinition<PostgresqlConfig> = {
  type: 'postgresql',
  title: 'PostgreSQL',
  configSchema: postgresqlConfigSchema,
  credentialKinds: ['database_password'],
  openSource: (context) => openPostgresSource(context),
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
