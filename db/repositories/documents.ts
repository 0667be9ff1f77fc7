import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

type Executor = Kysely<Database>;

export async function deleteConnectorDocuments(db: Executor, connectorId: string): Promise<number> {
  const result = await db.deleteFrom('documents').where('connector_id', '=', connectorId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
