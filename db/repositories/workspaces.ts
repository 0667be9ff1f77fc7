import type { Kysely } from 'kysely';
import type { ApiKeyRow, Database, NewApiKeyRow } from '../schema.ts';

type Executor = Kysely<Database>;

export const DEFAULT_WORKSPACE_ID = 'default';

export async function ensureWorkspace(db: Executor, id: string, name: string, now: Date): Promise<void> {
  await db
    .insertInto('workspaces')
    .values({ id, name, created_at: now.toISOString() })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
}

export async function insertApiKey(db: Executor, key: NewApiKeyRow): Promise<void> {
  await db
    .insertInto('api_keys')
    .values(key)
    .onConflict((conflict) => conflict.column('key_hash').doNothing())
    .execute();
}

export async function findApiKeyByHash(db: Executor, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

export async function countWorkspaceAdminKeys(db: Executor, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function findWorkspace(db: Executor, id: string) {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findApiKey(db: Executor, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listWorkspaceApiKeys(db: Executor, workspaceId: string): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
}

/**
 * Takes the workspace row's lock until the transaction ends (a no-op update: PostgreSQL locks the row;
 * SQLite's write transactions are serialised already), so two key revocations run one after the other.
 */
export async function lockWorkspace(trx: Executor, id: string): Promise<void> {
  await trx
    .updateTable('workspaces')
    .set((eb) => ({ name: eb.ref('name') }))
    .where('id', '=', id)
    .execute();
}

export async function deleteApiKey(db: Executor, workspaceId: string, id: string): Promise<void> {
  await db.deleteFrom('api_keys').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}
