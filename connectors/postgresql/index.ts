import { postgresqlConfigSchema, type PostgresqlConfig } from './config.ts';
import type { CheckResult, ConnectorDefinition } from '../connector-definition.ts';
import { withCredential } from '../http/http-check.ts';
import { connectSource, sourceRelation, type SourceConnection } from './connection.ts';
import { schemaTables } from './schema-source.ts';
import { openPostgresSource } from './source.ts';

export const postgresql: ConnectorDefinition<PostgresqlConfig> = {
  type: 'postgresql',
  title: 'PostgreSQL',
  configSchema: postgresqlConfigSchema,
  credentialKinds: ['database_password'],
  openSource: (context) => openPostgresSource(context),
  // Incremental only with `updatedAtColumn` (per table without table or query); else every sync reads the table.
  reads: { incremental: true, prune: true },
  async check({ config, credential, policy }): Promise<CheckResult> {
    return withCredential('PostgreSQL', credential, async (credential) => {
      let connection: SourceConnection | undefined;
      try {
        connection = await connectSource(config, credential.secret as { username: string; password: string }, policy);
        if (!config.idColumn) {
          const tables = await schemaTables(connection, config.schema);
          if (tables.some((table) => table.key && table.readable)) return { ok: true };
          const where = `${config.host}:${config.port}/${config.database}`;
          return { ok: false, reason: `PostgreSQL at ${where}: schema "${config.schema}" has no table with a primary key that the credential may read` };
        }
        // Read-only like a sync, so checking a query that writes refuses it instead of running it.
        await connection.read(`SELECT "${config.idColumn}" FROM ${sourceRelation(config)} LIMIT 1`);
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: `PostgreSQL at ${config.host}:${config.port}/${config.database}: ${(error as Error).message}` };
      } finally {
        await connection?.end();
      }
    });
  },
};
