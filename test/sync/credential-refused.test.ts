import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { postgresqlLocation } from '../support/fixtures.ts';
import { dropRole, createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { eventually, startControlPlane, waitForSync, type ControlPlane } from '../support/control-plane.ts';

/**
 * A source that refuses the connector's credential during a sync disconnects the connector and pauses
 * its schedules; binding a working credential connects it again. The refusal is real: PostgreSQL
 * stops letting the connector's role log in.
 */
describe.each(dialects)('a credential refused during a sync on %s', (dialect) => {
  let plane: ControlPlane;
  let source: TestDatabase;
  let admin: pg.Client;
  const role = `reader_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    source = await createTestDatabase('postgres');
    admin = new pg.Client({ connectionString: source.url });
    await admin.connect();
    await admin.query("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL); INSERT INTO notes VALUES (1, 'one'), (2, 'two')");
    await admin.query(`CREATE ROLE ${role} LOGIN; GRANT SELECT ON notes TO ${role}`);
  });
  afterAll(async () => {
    await plane?.close();
    // The role goes last, once the database holding its grant is gone; the forced drop would cut this client off.
    await admin?.end();
    await source?.drop();
    await dropRole(role);
  });

  it('disconnects the connector with the reason and pauses its schedule, until a working credential is bound', async () => {
    const created = await plane.request('POST', '/v1/connectors', {
      body: {
        name: 'Loses access',
        type: 'postgresql',
        config: { ...postgresqlLocation(source.url as string), table: 'notes', idColumn: 'id' },
        credentials: { username: role, password: 'unused-with-trust-auth' },
        schedule: { type: 'interval', everySeconds: 3600 },
      },
    });
    expect(created.body.data.state).toBe('connected');
    const id = created.body.data.id;
    const schedule = plane.client.schedule.getHandle(workflowIds.connectorSchedule(id));

    await admin.query(`ALTER ROLE ${role} NOLOGIN`);
    const started = await plane.request('POST', `/v1/connectors/${id}/sync`, {});
    const job = await waitForSync(plane, id, started.body.data.jobId);
    expect(job.status).toBe('failed');
    expect(job.error).toContain('not permitted to log in');
    const disconnected = await eventually(async () => {
      const connector = (await plane.request('GET', `/v1/connectors/${id}`)).body.data;
      expect(connector.state).toBe('disconnected');
      return connector;
    });
    expect(disconnected.stateReason).toContain('not permitted to log in');
    await eventually(async () => expect((await schedule.describe()).state.paused).toBe(true));
    const refusedSync = await plane.request('POST', `/v1/connectors/${id}/sync`, {});
    expect(refusedSync.status).toBe(409);

    const working = await plane.request('POST', '/v1/credentials', {
      body: { name: 'admin', type: 'postgresql', kind: 'database_password', secret: { username: 'postgres', password: 'unused-with-trust-auth' } },
    });
    const bound = await plane.request('PUT', `/v1/connectors/${id}/credential/${working.body.data.id}`);
    expect(bound.status).toBe(200);
    expect(bound.body.data).toMatchObject({ state: 'connected', stateReason: null });
    expect((await schedule.describe()).state.paused).toBe(false);
    const again = await plane.request('POST', `/v1/connectors/${id}/sync`, {});
    expect(await waitForSync(plane, id, again.body.data.jobId)).toMatchObject({ status: 'succeeded', progress: { indexed: 2 } });
  });
});
