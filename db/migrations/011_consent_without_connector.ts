import { sql, type Kysely } from 'kysely';

/**
 * A consent may start from a credential alone, before any connector exists (seed 001's authorize by
 * type), so a consent state's connector becomes optional. SQLite cannot drop a NOT NULL in place, so
 * the table is rebuilt; its rows live for minutes and are copied over.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await rebuild(db, (column) => column);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db
    .deleteFrom('oauth_states' as never)
    .where(sql.ref('connector_id'), 'is', null)
    .execute();
  await rebuild(db, (column) => column.notNull());
}

type ColumnBuilder = Parameters<Parameters<ReturnType<Kysely<unknown>['schema']['createTable']>['addColumn']>[2] & object>[0];

async function rebuild(db: Kysely<unknown>, connectorColumn: (column: ColumnBuilder) => ColumnBuilder): Promise<void> {
  await db.schema
    .createTable('oauth_states_rebuilt')
    .addColumn('state', 'text', (column) => column.primaryKey())
    .addColumn('workspace_id', 'text', (column) => column.notNull())
    .addColumn('connector_id', 'text', connectorColumn)
    .addColumn('credential_id', 'text', (column) => column.notNull())
    .addColumn('redirect_uri', 'text', (column) => column.notNull())
    .addColumn('sealed_verifier', 'text', (column) => column.notNull())
    .addColumn('expires_at', 'text', (column) => column.notNull())
    .execute();
  await sql`INSERT INTO oauth_states_rebuilt SELECT state, workspace_id, connector_id, credential_id, redirect_uri, sealed_verifier, expires_at FROM oauth_states`.execute(
    db,
  );
  await db.schema.dropTable('oauth_states').execute();
  await db.schema.alterTable('oauth_states_rebuilt').renameTo('oauth_states').execute();
}
