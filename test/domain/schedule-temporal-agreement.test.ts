import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleSchema } from '../../domain/schedule.ts';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { scheduleSpec } from '../../temporal/connector-schedule.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { connectTestClient } from '../support/temporal.ts';

/**
 * Our verdict on a cron schedule must be Temporal's, or a 503 follows when the schedule is created.
 * Where we are deliberately stricter the row says why; we never accept what Temporal refuses.
 */
const crons: Array<{ expression: string; stricter?: string }> = [
  { expression: '0 3 * * *' },
  { expression: '*/15 * * * *' },
  { expression: '0 3 * * 1-5' },
  { expression: '0 3 * * 0-7' },
  { expression: '0 3 * * 7' },
  { expression: '0 3 * * MON-FRI' },
  { expression: '0 3 * jan-mar *' },
  { expression: '0 3 * * 0/2' },
  { expression: '*/61 * * * *' },
  { expression: '0 3 L * *' },
  { expression: '0 3 * * 5L' },
  { expression: '0 3 * * 7L' },
  { expression: '0 3 15W * *' },
  { expression: '0 3 ? * *' },
  { expression: '0 3 * * ?' },
  { expression: 'H 3 * * *' },
  { expression: '*/0 * * * *' },
  { expression: '0 24 * * *' },
  { expression: '0 3 * * 8' },
  { expression: '0 3 * * SAT-SUN' },
  { expression: '0 3 * * 1#2', stricter: 'Temporal reads # as a comment and would run every Monday' },
  { expression: '0 3 * * * # nightly', stricter: 'comments are not part of the documented five fields' },
  { expression: '0 0 3 * * * *', stricter: 'seconds and years are not part of the documented five fields' },
  { expression: '@hourly', stricter: 'shorthands are not part of the documented five fields' },
  { expression: '0 3 * * monday', stricter: 'names are three letters, as most cron readers take them' },
  { expression: '0 3 30 2 *', stricter: 'a date that never occurs is a mistake, not a schedule' },
];

const timezones: Array<{ timezone: string; stricter?: string }> = [
  { timezone: 'UTC' },
  { timezone: 'Europe/Paris' },
  { timezone: 'America/Port-au-Prince' },
  { timezone: 'EST5EDT' },
  { timezone: 'Etc/GMT+5' },
  { timezone: 'US/Pacific' },
  { timezone: 'Asia/Calcutta' },
  { timezone: 'Europe/Kyiv' },
  { timezone: 'utc' },
  { timezone: 'europe/paris' },
  { timezone: 'America/new_york' },
  { timezone: '+02:00' },
  { timezone: '-0500' },
  { timezone: 'UTC+2' },
  { timezone: 'PST' },
  { timezone: 'IST' },
  { timezone: 'SystemV/AST4' },
  { timezone: 'US/Pacific-New' },
  { timezone: 'Canada/East-Saskatchewan' },
  { timezone: 'Etc/GMT+13' },
  { timezone: 'Local', stricter: "the server's own zone, which differs between machines" },
  { timezone: '', stricter: 'an empty zone is a mistake; leave the field out for UTC' },
  { timezone: 'posixrules', stricter: 'a file of the tz database, not a zone' },
];

describe('cron schedules, as Temporal reads them', () => {
  let client: Client;
  const created: string[] = [];

  beforeAll(async () => {
    client = await connectTestClient();
  });
  afterAll(async () => {
    await Promise.all(created.map((id) => client.schedule.getHandle(id).delete()));
    await client?.connection.close();
  });

  /** Whether the dev server creates a schedule of this spec. */
  async function temporalAccepts(expression: string, timezone?: string): Promise<boolean> {
    const scheduleId = `agreement-${randomUUID()}`;
    try {
      await client.schedule.create({
        scheduleId,
        // The spec as Tributary sends it, taken past our own validation.
        ...scheduleSpec({ type: 'cron', expression, ...(timezone === undefined ? {} : { timezone }) }),
        action: { type: 'startWorkflow', workflowType: 'unused', taskQueue: `agreement-${randomUUID()}`, args: [] },
        state: { paused: true },
      });
      created.push(scheduleId);
      return true;
    } catch {
      return false;
    }
  }

  it.each(crons)('agrees with Temporal on the expression "$expression"', async ({ expression, stricter }) => {
    const ours = scheduleSchema.safeParse({ type: 'cron', expression }).success;
    const temporal = await temporalAccepts(expression);
    expect({ ours, temporal }).toEqual(stricter ? { ours: false, temporal: true } : { ours: temporal, temporal });
  });

  it.each(timezones)('agrees with Temporal on the time zone "$timezone"', async ({ timezone, stricter }) => {
    const ours = scheduleSchema.safeParse({ type: 'cron', expression: '0 3 * * *', timezone }).success;
    const temporal = await temporalAccepts('0 3 * * *', timezone);
    expect({ ours, temporal }).toEqual(stricter ? { ours: false, temporal: true } : { ours: temporal, temporal });
  });
});

describe('a connector whose schedule Temporal would refuse', () => {
  let plane: ControlPlane;

  beforeAll(async () => {
    plane = await startControlPlane('sqlite');
  });
  afterAll(async () => plane?.close());

  it.each([
    { field: 'schedule', schedule: { type: 'cron', expression: '0 3 L * *' }, path: ['schedule', 'expression'] },
    { field: 'pruneSchedule', schedule: { type: 'cron', expression: '0 3 * * *', timezone: 'europe/paris' }, path: ['pruneSchedule', 'timezone'] },
  ])('is refused with 400 naming $path, and nothing is written', async ({ field, schedule, path }) => {
    const id = `refused-${randomUUID().slice(0, 8)}`;
    const response = await plane.request('POST', '/v1/connectors', { body: { id, name: 'Nightly', type: 'upload', config: {}, [field]: schedule } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'invalid_request', details: { issues: [expect.objectContaining({ path })] } });
    expect(response.body.error.message).toContain(path.join('.'));
    const rows = await plane.database.db.selectFrom('connectors').select('id').where('id', '=', id).execute();
    expect(rows).toEqual([]);
    for (const scheduleId of [workflowIds.connectorSchedule(id), workflowIds.connectorPruneSchedule(id)]) {
      await expect(plane.client.schedule.getHandle(scheduleId).describe()).rejects.toThrow(/not found/i);
    }
  });
});
