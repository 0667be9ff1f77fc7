import type { Kysely } from 'kysely';
import type { Database, OAuthStateRow } from '../schema.ts';

type Executor = Kysely<Database>;

export async function insertOAuthState(db: Executor, row: OAuthStateRow): Promise<void> {
  await db.insertInto('oauth_states').values(row).execute();
}

/** Takes a consent state exactly once: the row is deleted as it is read, so a replayed callback finds nothing. */
export async function consumeOAuthState(db: Executor, state: string, now: Date): Promise<OAuthStateRow | undefined> {
  const row = await db.deleteFrom('oauth_states').where('state', '=', state).returningAll().executeTakeFirst();
  return row && Date.parse(row.expires_at) > now.getTime() ? row : undefined;
}

/** Whether a connector's consent is still open: its state neither taken by the callback nor expired. Reads, never consumes. */
export async function isOAuthStateOpen(db: Executor, state: string, connectorId: string, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('oauth_states')
    .select('state')
    .where('state', '=', state)
    .where('connector_id', '=', connectorId)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteExpiredOAuthStates(db: Executor, now: Date): Promise<void> {
  await db.deleteFrom('oauth_states').where('expires_at', '<', now.toISOString()).execute();
}
