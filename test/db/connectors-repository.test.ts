import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/migrate.ts';
import { isUniqueViolation } from '../../db/database.ts';
import {
  changeConnector,
  deleteConnectorRow,
  findConnector,
  findWorkspaceConnector,
  insertConnectorIfAbsent,
  transitionConnector,
  updateConnectorIfVersion,
} from '../../db/repositories/connectors.ts';
import { ensureWorkspace } from '../../db/repositories/workspaces.ts';
import { InvalidTransitionError } from '../../domain/connector-state.ts';
import { aConnector } from '../support/connector-rows.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';

describe.each(dialects)('connector repository on %s', (dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    await ensureWorkspace(database.db, 'ws-a', 'A', new Date());
    await ensureWorkspace(database.db, 'ws-b', 'B', new Date());
  });
  afterAll(async () => database?.drop());

  it('runs the migrations again without change', async () => {
    const before = await schemaOf(database);
    expect(before.migrations.length).toBeGreaterThan(0);
    await migrateToLatest(database.db);
    expect(await schemaOf(database)).toEqual(before);
  });

  it('round-trips a connector, JSON fields included', async () => {
    const connector = aConnector({ metadata: { team: 'search', 'cost-centre': '42' }, pruneSchedule: { type: 'interval', everySeconds: 86400 } });
    expect(await insertConnectorIfAbsent(database.db, connector)).toBe(true);
    expect(await findConnector(database.db, connector.id)).toEqual(connector);
  });

  it('inserts once per id', async () => {
    const connector = aConnector();
    expect(await insertConnectorIfAbsent(database.db, connector)).toBe(true);
    expect(await insertConnectorIfAbsent(database.db, { ...connector, name: 'second' })).toBe(false);
    expect((await findConnector(database.db, connector.id))?.name).toBe(connector.name);
  });

  it('scopes reads to the workspace', async () => {
    const connector = aConnector();
    await insertConnectorIfAbsent(database.db, connector);
    expect(await findWorkspaceConnector(database.db, 'ws-a', connector.id)).toBeDefined();
    expect(await findWorkspaceConnector(database.db, 'ws-b', connector.id)).toBeUndefined();
  });

  it('applies allowed transitions and refuses the others, leaving the row as it was', async () => {
    const connector = aConnector();
    await insertConnectorIfAbsent(database.db, connector);
    const later = new Date(Date.parse(connector.createdAt) + 1000);

    const { previous, current: connected } = await transitionConnector(database.db, connector.id, 'connected', null, later);
    expect(previous.state).toBe('creating');
    expect(connected).toMatchObject({ state: 'connected', updatedAt: later.toISOString() });
    // Repeating the same move is a no-op, as activity retries require.
    expect(await transitionConnector(database.db, connector.id, 'connected', null, new Date())).toEqual({ previous: connected, current: connected });

    await expect(transitionConnector(database.db, connector.id, 'creating', null, new Date())).rejects.toBeInstanceOf(InvalidTransitionError);
    expect(await findConnector(database.db, connector.id)).toEqual(connected);
  });

  it('writes only on top of the version it read, and moves the row to the next', async () => {
    const connector = aConnector();
    await insertConnectorIfAbsent(database.db, connector);
    const renamed = await updateConnectorIfVersion(database.db, connector, { name: 'Renamed' }, new Date());
    expect(renamed).toMatchObject({ name: 'Renamed', version: 2 });
    // A writer that read version 1 does not overwrite the rename it did not see.
    expect(await updateConnectorIfVersion(database.db, connector, { state: 'paused' }, new Date())).toBeUndefined();
    expect(await findConnector(database.db, connector.id)).toEqual(renamed);
  });

  it('loses no change when writers race on one connector', async () => {
    const connector = aConnector({ state: 'connected', metadata: {} });
    await insertConnectorIfAbsent(database.db, connector);
    const writers = Array.from({ length: 12 }, (_, index) =>
      changeConnector(
        database.db,
        connector.id,
        (current) => ({ metadata: { ...current.metadata, [`writer-${index}`]: 'done' } }),
        () => new Date(),
      ),
    );
    await Promise.all(writers);
    const final = await findConnector(database.db, connector.id);
    expect(Object.keys(final?.metadata ?? {}).sort()).toEqual(Array.from({ length: 12 }, (_, index) => `writer-${index}`).sort());
    expect(final?.version).toBe(13);
  });

  it('deletes a row, and deleting again is harmless', async () => {
    const connector = aConnector();
    await insertConnectorIfAbsent(database.db, connector);
    await deleteConnectorRow(database.db, connector.id);
    await deleteConnectorRow(database.db, connector.id);
    expect(await findConnector(database.db, connector.id)).toBeUndefined();
  });

  it('recognises a unique violation', async () => {
    const attempt = database.db.insertInto('workspaces').values({ id: 'ws-a', name: 'again', created_at: new Date().toISOString() }).execute();
    const error = await attempt.catch((caught: unknown) => caught);
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error('something else'))).toBe(false);
  });
});

/** Tables with their columns, and the migrations the database records as applied. */
async function schemaOf(database: TestDatabase) {
  const tables = await database.db.introspection.getTables();
  const migrations = await database.db
    .selectFrom('kysely_migration' as never)
    .select('name' as never)
    .orderBy('name' as never)
    .execute();
  return {
    tables: tables
      .map((table) => ({
        name: table.name,
        columns: table.columns.map((column) => `${column.name} ${column.dataType} ${column.isNullable ? 'null' : 'not null'}`).sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    migrations: (migrations as Array<{ name: string }>).map((row) => row.name),
  };
}
