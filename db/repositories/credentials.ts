import { publicConnectorId } from '../../domain/connector-ids.ts';
import type { Kysely } from 'kysely';
import type { Credential, CredentialKind } from '../../domain/credential.ts';
import type { CredentialRow, Database, NewCredentialRow } from '../schema.ts';
import { pageQuery, type Page } from './pagination.ts';

type Executor = Kysely<Database>;

export function toCredential(row: CredentialRow): Credential {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    type: row.type,
    kind: row.kind as CredentialKind,
    fields: JSON.parse(row.hints),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertCredential(db: Executor, row: NewCredentialRow): Promise<void> {
  await db.insertInto('credentials').values(row).execute();
}

export async function findCredentialRow(db: Executor, id: string): Promise<CredentialRow | undefined> {
  return db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findWorkspaceCredentialRow(db: Executor, workspaceId: string, id: string): Promise<CredentialRow | undefined> {
  return db.selectFrom('credentials').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
}

export async function listCredentials(
  db: Executor,
  workspaceId: string,
  options: { type?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<Page<Credential>> {
  let query = db.selectFrom('credentials').selectAll().where('workspace_id', '=', workspaceId);
  if (options.type) query = query.where('type', '=', options.type);
  return pageQuery(query, options, toCredential);
}

export async function updateCredentialRow(
  db: Executor,
  id: string,
  changes: Partial<Pick<CredentialRow, 'name' | 'key_id' | 'iv' | 'auth_tag' | 'ciphertext' | 'hints' | 'refresh_locked_until'>> & {
    updated_at: string;
  },
): Promise<void> {
  await db.updateTable('credentials').set(changes).where('id', '=', id).execute();
}

export async function deleteCredentialRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('credentials').where('id', '=', id).execute();
}

/** Ids of connectors bound to the credential; a credential in use cannot be deleted. */
export async function connectorsUsingCredential(db: Executor, credentialId: string): Promise<string[]> {
  const rows = await db.selectFrom('connectors').select(['id', 'workspace_id']).where('credential_id', '=', credentialId).execute();
  return rows.map((row) => publicConnectorId(row.workspace_id, row.id));
}

/**
 * Takes the refresh lock of a credential if it is free or expired; true when this caller holds it.
 * A conditional update is atomic on both dialects, so only one worker refreshes at a time.
 */
export async function tryLockCredentialRefresh(db: Executor, id: string, now: Date, holdMs: number): Promise<boolean> {
  const result = await db
    .updateTable('credentials')
    .set({ refresh_locked_until: new Date(now.getTime() + holdMs).toISOString() })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('refresh_locked_until', 'is', null), eb('refresh_locked_until', '<', now.toISOString())]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function unlockCredentialRefresh(db: Executor, id: string): Promise<void> {
  await db.updateTable('credentials').set({ refresh_locked_until: null }).where('id', '=', id).execute();
}
