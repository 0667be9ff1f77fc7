import type { Kysely } from 'kysely';
import type { Connector } from '../../domain/connector.ts';
import { assertTransition, type ConnectorState } from '../../domain/connector-state.ts';
import type { ConnectorRow, Database, NewConnectorRow } from '../schema.ts';
import { pageQuery, type Page } from './pagination.ts';

type Executor = Kysely<Database>;

export function toConnector(row: ConnectorRow): Connector {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    description: row.description,
    type: row.type,
    collection: row.collection,
    config: JSON.parse(row.config),
    metadata: JSON.parse(row.metadata),
    schedule: JSON.parse(row.schedule),
    pruneSchedule: row.prune_schedule === null ? null : JSON.parse(row.prune_schedule),
    credentialId: row.credential_id,
    state: row.state as ConnectorState,
    stateReason: row.state_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toConnectorRow(connector: Connector): NewConnectorRow {
  return {
    id: connector.id,
    workspace_id: connector.workspaceId,
    name: connector.name,
    description: connector.description,
    type: connector.type,
    collection: connector.collection,
    config: JSON.stringify(connector.config),
    metadata: JSON.stringify(connector.metadata),
    schedule: JSON.stringify(connector.schedule),
    prune_schedule: connector.pruneSchedule === null ? null : JSON.stringify(connector.pruneSchedule),
    credential_id: connector.credentialId,
    state: connector.state,
    state_reason: connector.stateReason,
    created_at: connector.createdAt,
    updated_at: connector.updatedAt,
  };
}

export async function findConnector(db: Executor, id: string): Promise<Connector | undefined> {
  const row = await db.selectFrom('connectors').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toConnector(row);
}

export async function findWorkspaceConnector(db: Executor, workspaceId: string, id: string): Promise<Connector | undefined> {
  const row = await db.selectFrom('connectors').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row && toConnector(row);
}

export async function listConnectors(
  db: Executor,
  workspaceId: string,
  options: { type?: string | undefined; state?: ConnectorState | undefined; cursor?: string | undefined; limit: number },
): Promise<Page<Connector>> {
  let query = db.selectFrom('connectors').selectAll().where('workspace_id', '=', workspaceId);
  if (options.type) query = query.where('type', '=', options.type);
  if (options.state) query = query.where('state', '=', options.state);
  return pageQuery(query, options, toConnector);
}

export async function workspaceHasCollection(db: Executor, workspaceId: string, collection: string): Promise<boolean> {
  const row = await db
    .selectFrom('connectors')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('collection', '=', collection)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Inserts the connector unless a row with its id exists; returns whether it inserted. */
export async function insertConnectorIfAbsent(db: Executor, connector: Connector): Promise<boolean> {
  const result = await db
    .insertInto('connectors')
    .values(toConnectorRow(connector))
    .onConflict((conflict) => conflict.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Overwrites every column of an existing connector. */
export async function replaceConnector(db: Executor, connector: Connector): Promise<void> {
  const { id, ...columns } = toConnectorRow(connector);
  await db.updateTable('connectors').set(columns).where('id', '=', id).execute();
}

export async function deleteConnectorRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('connectors').where('id', '=', id).execute();
}

/** Moves a connector to `to` if the state table allows it; a repeat of the same move is a no-op. */
export async function transitionConnector(db: Executor, id: string, to: ConnectorState, reason: string | null, now: Date): Promise<Connector> {
  return db.transaction().execute(async (trx) => {
    const current = await findConnector(trx, id);
    if (!current) throw new ConnectorNotFoundError(id);
    if (current.state === to && current.stateReason === reason) return current;
    if (current.state !== to) assertTransition(current.state, to);
    const row = await trx
      .updateTable('connectors')
      .set({ state: to, state_reason: reason, updated_at: now.toISOString() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toConnector(row);
  });
}

export class ConnectorNotFoundError extends Error {
  override name = 'ConnectorNotFoundError';
  readonly connectorId: string;
  constructor(connectorId: string) {
    super(`Connector ${connectorId} does not exist`);
    this.connectorId = connectorId;
  }
}
