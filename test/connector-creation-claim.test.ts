import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type Activities } from '../activities/index.ts';
import { loadConfig } from '../config/env.ts';
import { syncLimitsOf } from '../config/limits.ts';
import { findConnector, insertConnectorIfAbsent } from '../db/repositories/connectors.ts';
import { ensureWorkspace } from '../db/repositories/workspaces.ts';
import { workflowIds } from '../domain/workflow-ids.ts';
import { buildActivityDependencies } from '../worker/activity-dependencies.ts';
import { testSecretKey } from './support/api.ts';
import { aConnector } from './support/connector-rows.ts';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases.ts';
import { connectTestClient } from './support/temporal.ts';

// A creation's steps run as local activities, so a crash before its workflow task completes runs
// them again after the steps that followed: the claim must then recognise the row as its own.
describe.each(dialects)('claiming a created connector on %s', (dialect) => {
  let database: TestDatabase;
  let client: Client;
  let activities: Activities;
  const schedules: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    client = await connectTestClient();
    activities = createActivities(
      buildActivityDependencies({
        db: database.db,
        client,
        taskQueue: `claim-${randomUUID()}`,
        secretKey: testSecretKey,
        allowedHosts: [],
        directoryRoots: [],
        limits: syncLimitsOf(loadConfig({})),
      }),
    );
    await ensureWorkspace(database.db, 'ws-a', 'A', new Date());
  });

  afterAll(async () => {
    await Promise.all(schedules.map((scheduleId) => client.schedule.getHandle(scheduleId).delete()));
    await client?.connection.close();
    await database?.drop();
  });

  it('claims the row the API wrote, as a new version', async () => {
    const connector = await written();
    await activities.claimCreatedConnector({ connectorId: connector.id, creationId: 'run-1' });
    expect(await findConnector(database.db, connector.id)).toMatchObject({ state: 'creating', version: 2 });
  });

  it('accepts again, writing nothing, a row its own creation has moved on', async () => {
    const connector = await createdBy('run-1');
    await activities.claimCreatedConnector({ connectorId: connector.id, creationId: 'run-1' });
    expect(await findConnector(database.db, connector.id)).toEqual(connector);
  });

  it('refuses a row that another creation has moved on', async () => {
    const connector = await createdBy('run-1');
    await expect(activities.claimCreatedConnector({ connectorId: connector.id, creationId: 'run-2' })).rejects.toMatchObject({
      type: 'InvalidTransition',
      nonRetryable: true,
    });
    expect(await findConnector(database.db, connector.id)).toEqual(connector);
  });

  it('fails for good once the API has taken the row back', async () => {
    await expect(activities.claimCreatedConnector({ connectorId: `gone-${randomUUID()}`, creationId: 'run-1' })).rejects.toMatchObject({
      type: 'ConnectorNotFound',
      nonRetryable: true,
    });
  });

  async function written() {
    const connector = aConnector({ schedule: { type: 'manual' } });
    await insertConnectorIfAbsent(database.db, connector);
    return connector;
  }

  /** A connector whose creation `creationId` ran to the end: claimed, its schedule made, connected. */
  async function createdBy(creationId: string) {
    const connector = await written();
    await activities.claimCreatedConnector({ connectorId: connector.id, creationId });
    await activities.createConnectorSchedules({ connectorId: connector.id, creationId, paused: true });
    schedules.push(workflowIds.connectorSchedule(connector.id));
    return activities.setConnectorState({ connectorId: connector.id, state: 'connected', reason: null });
  }
});
