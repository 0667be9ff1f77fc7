import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { postgresqlLocation } from '../support/fixtures.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';

/** One round: what to send at once, and the state the connector must end in whatever order they ran. */
interface Round {
  name: string;
  everySeconds: number;
  toggle: 'pause' | 'resume';
  credential: 'first' | 'second';
}

const ROUNDS: Round[] = Array.from({ length: 5 }, (_, index) => ({
  name: `Round ${index}`,
  everySeconds: 600 + index * 60,
  toggle: index % 2 === 0 ? 'pause' : 'resume',
  credential: index % 2 === 0 ? 'second' : 'first',
}));

/**
 * Changes of one connector sent at the same moment (PATCH, pause or resume, a credential binding)
 * run one after another, and none overwrites another: the row and its Temporal schedule end in the
 * state every accepted change asked for, in whatever order they ran.
 */
describe.each(dialects)('concurrent changes of one connector on %s', (dialect) => {
  let plane: ControlPlane;
  let source: TestDatabase;
  const credentials: Record<Round['credential'], string> = { first: '', second: '' };

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    source = await createTestDatabase('postgres');
    const client = new pg.Client({ connectionString: source.url });
    await client.connect();
    await client.query("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL); INSERT INTO notes VALUES (1, 'one')");
    await client.end();
    for (const which of ['first', 'second'] as const) {
      const created = await plane.request('POST', '/v1/credentials', {
        body: { name: which, type: 'postgresql', kind: 'database_password', secret: { username: 'postgres', password: `unused-${which}` } },
      });
      credentials[which] = created.body.data.id;
    }
  });
  afterAll(async () => {
    await plane?.close();
    await source?.drop();
  });

  async function contendedConnector(): Promise<string> {
    const created = await plane.request('POST', '/v1/connectors', {
      body: {
        name: 'Contended',
        type: 'postgresql',
        config: { ...postgresqlLocation(source.url as string), table: 'notes', idColumn: 'id' },
        credentialId: credentials.first,
        schedule: { type: 'interval', everySeconds: 300 },
      },
    });
    expect(created.body.data.state).toBe('connected');
    return created.body.data.id;
  }

  it('ends every round in the state all its accepted changes asked for, row and schedule alike', async () => {
    const id = await contendedConnector();
    for (const round of ROUNDS) {
      const requests = [
        plane.request('PATCH', `/v1/connectors/${id}`, { body: { name: round.name } }),
        plane.request('PATCH', `/v1/connectors/${id}`, { body: { schedule: { type: 'interval', everySeconds: round.everySeconds } } }),
        plane.request('POST', `/v1/connectors/${id}/${round.toggle}`),
        plane.request('PUT', `/v1/connectors/${id}/credential/${credentials[round.credential]}`),
      ];
      const answers = await Promise.all(requests);
      expect(
        answers.map((answer) => answer.status),
        JSON.stringify(answers.map((answer) => answer.body)),
      ).toEqual([200, 200, 200, 200]);

      const row = (await plane.request('GET', `/v1/connectors/${id}`)).body.data;
      expect(row).toMatchObject({
        name: round.name,
        schedule: { type: 'interval', everySeconds: round.everySeconds },
        state: round.toggle === 'pause' ? 'paused' : 'connected',
        credentialId: credentials[round.credential],
      });
      const schedule = await plane.client.schedule.getHandle(workflowIds.connectorSchedule(id)).describe();
      expect(schedule.state.paused).toBe(round.toggle === 'pause');
      expect(schedule.spec.intervals?.[0]?.every).toBe(round.everySeconds * 1000);
    }
  });

  it('takes 20 changes sent at once one after another: the last one written is what the row and the schedule say', async () => {
    const id = await contendedConnector();
    const requests = Array.from({ length: 20 }, (_, index) => {
      switch (index % 5) {
        case 0:
          return plane.request('PATCH', `/v1/connectors/${id}`, { body: { name: `Burst ${index}` } });
        case 1:
          return plane.request('PATCH', `/v1/connectors/${id}`, { body: { schedule: { type: 'interval', everySeconds: 600 + index } } });
        case 2:
          return plane.request('POST', `/v1/connectors/${id}/pause`);
        case 3:
          return plane.request('POST', `/v1/connectors/${id}/resume`);
        default:
          return plane.request('PUT', `/v1/connectors/${id}/credential/${credentials[index % 2 === 0 ? 'first' : 'second']}`);
      }
    });
    const answers = await Promise.all(requests);
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 200));
    const written = answers.filter((_, index) => index % 5 !== 2 && index % 5 !== 3).map((answer) => answer.body.data.version as number);
    // Every PATCH and binding wrote a version of its own: none was lost under another.
    expect(new Set(written).size).toBe(written.length);

    const last = answers.map((answer) => answer.body.data).reduce((latest, data) => (data.version > latest.version ? data : latest));
    const row = (await plane.request('GET', `/v1/connectors/${id}`)).body.data;
    expect(row).toMatchObject({ version: last.version, name: last.name, schedule: last.schedule, state: last.state, credentialId: last.credentialId });
    const schedule = await plane.client.schedule.getHandle(workflowIds.connectorSchedule(id)).describe();
    expect(schedule.state.paused).toBe(row.state !== 'connected');
    expect(schedule.spec.intervals?.[0]?.every).toBe(row.schedule.everySeconds * 1000);
  });
});
