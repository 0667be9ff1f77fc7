import type { Kysely } from 'kysely';
import type { Connector } from '../../domain/connector.ts';
import { storedConnectorIdCandidates } from '../../domain/connector-ids.ts';
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
    version: Number(row.version),
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
    version: connector.version,
    created_at: connector.createdAt,
    updated_at: connector.updatedAt,
  };
}

export async function findConnector(db: Executor, id: string): Promise<Connector | undefined> {
  const row = await db.selectFrom('connectors').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toConnector(row);
}

export async function findWorkspaceConnector(db: Executor, workspaceId: string, id: string): Promise<Connector | undefined> {
  const row = await db
    .selectFrom('connectors')
    .selectAll()
    .where('id', 'in', storedConnectorIdCandidates(workspaceId, id))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
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

/** What a change may set; identity, type, version and creation time are never among them. */
export type ConnectorColumns = Partial<Omit<Connector, 'id' | 'workspaceId' | 'type' | 'version' | 'createdAt' | 'updatedAt'>>;

/**
 * Writes `read` with `columns` applied, only if the row is still the version that was read, and
 * moves it to the next version. Undefined means another change came first (or the row is gone):
 * re-read and decide again, so no change overwrites one it did not see.
 */
export async function updateConnectorIfVersion(db: Executor, read: Connector, columns: ConnectorColumns, now: Date): Promise<Connector | undefined> {
  const {
    id,
    workspace_id: _workspace,
    type: _type,
    created_at: _created,
    ...row
  } = toConnectorRow({
    ...read,
    ...columns,
    version: read.version + 1,
    updatedAt: now.toISOString(),
  });
  const updated = await db.updateTable('connectors').set(row).where('id', '=', id).where('version', '=', read.version).returningAll().executeTakeFirst();
  return updated && toConnector(updated);
}

/** Applies `change` to the current row until it lands on the version it read; throws what `change` throws. */
export async function changeConnector(
  db: Executor,
  id: string,
  change: (current: Connector) => ConnectorColumns | undefined,
  now: () => Date,
): Promise<{ previous: Connector; current: Connector }> {
  for (;;) {
    const previous = await findConnector(db, id);
    if (!previous) throw new ConnectorNotFoundError(id);
    const columns = change(previous);
    if (!columns) return { previous, current: previous };
    const current = await updateConnectorIfVersion(db, previous, columns, now());
    if (current) return { previous, current };
  }
}

export async function deleteConnectorRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('connectors').where('id', '=', id).execute();
}

/**
 * Moves a connector to `to` if the state table allows it; a repeat of the same move is a no-op (then
 * `previous` and `current` are the same row).
 */
export async function transitionConnector(
  db: Executor,
  id: string,
  to: ConnectorState,
  reason: string | null,
  now: Date,
): Promise<{ previous: Connector; current: Connector }> {
  return changeConnector(
    db,
    id,
    (connector) => {
      if (connector.state === to && connector.stateReason === reason) return undefined;
      if (connector.state !== to) assertTransition(connector.state, to);
      return { state: to, stateReason: reason };
    },
    () => now,
  );
}

export class ConnectorNotFoundError extends Error {
  override name = 'ConnectorNotFoundError';
  readonly connectorId: string;
  constructor(connectorId: string) {
    super(`Connector ${connectorId} does not exist`);
    this.connectorId = connectorId;
  }
}

/**
 * Deletes the connector's row only if it is still the version given, i.e. nothing has written it
 * since; true if it did. Takes back a row whose creation workflow never claimed it.
 */
export async function deleteConnectorIfUnchanged(db: Executor, connector: Pick<Connector, 'id' | 'version'>): Promise<boolean> {
  const result = await db.deleteFrom('connectors').where('id', '=', connector.id).where('version', '=', connector.version).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
