import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, connectorStates, InvalidTransitionError } from '../../domain/connector-state.ts';
import { scheduleInstantError, scheduleSchema } from '../../domain/schedule.ts';
import { scheduleSpec } from '../../temporal/connector-schedule.ts';

describe('schedules', () => {
  it('maps each schedule type to a Temporal schedule spec', () => {
    expect(scheduleSpec({ type: 'manual' })).toEqual({ spec: {} });
    expect(scheduleSpec({ type: 'interval', everySeconds: 900 })).toEqual({ spec: { intervals: [{ every: '900s' }] } });
    expect(scheduleSpec({ type: 'cron', expression: '0 3 * * 1-5' })).toEqual({
      spec: { cronExpressions: ['0 3 * * 1-5'], timezone: 'UTC' },
    });
    expect(scheduleSpec({ type: 'once', at: '2030-02-03T04:05:06+01:00' })).toEqual({
      spec: {
        calendars: [{ year: 2030, month: 'FEBRUARY', dayOfMonth: 3, hour: 3, minute: 5, second: 6 }],
        timezone: 'UTC',
      },
      remainingActions: 1,
    });
  });

  it('accepts the documented shapes and refuses the rest', () => {
    expect(scheduleSchema.safeParse({ type: 'cron', expression: '*/15 * * * *', timezone: 'America/New_York' }).success).toBe(true);
    expect(scheduleSchema.safeParse({ type: 'interval', everySeconds: 59 }).success).toBe(false);
    expect(scheduleSchema.safeParse({ type: 'interval', everySeconds: 60.5 }).success).toBe(false);
    expect(scheduleSchema.safeParse({ type: 'hourly' }).success).toBe(false);
    expect(scheduleSchema.safeParse({ type: 'once', at: 'tomorrow' }).success).toBe(false);
    expect(scheduleSchema.safeParse({ type: 'manual', extra: 1 }).success).toBe(false);
  });

  it('names the cron field and the time zone that Temporal would refuse', () => {
    const lastDay = scheduleSchema.safeParse({ type: 'cron', expression: '0 3 L * *' });
    expect(lastDay.error?.issues).toEqual([expect.objectContaining({ path: ['expression'], message: expect.stringContaining('day-of-month field "L"') })]);
    const lowerCase = scheduleSchema.safeParse({ type: 'cron', expression: '0 3 * * *', timezone: 'europe/paris' });
    expect(lowerCase.error?.issues).toEqual([expect.objectContaining({ path: ['timezone'] })]);
  });

  it('wants a once schedule in the future', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(scheduleInstantError({ type: 'once', at: '2026-05-31T23:59:59Z' }, now)).toBe('must be in the future');
    expect(scheduleInstantError({ type: 'once', at: '2026-06-01T00:00:01Z' }, now)).toBeUndefined();
    expect(scheduleInstantError({ type: 'manual' }, now)).toBeUndefined();
  });
});

describe('connector state machine', () => {
  it('lets every other state be deleted and nothing leave deleting', () => {
    for (const state of connectorStates) {
      if (state !== 'deleting') expect(canTransition(state, 'deleting'), state).toBe(true);
      expect(canTransition('deleting', state), state).toBe(false);
      expect(() => assertTransition('deleting', state)).toThrow(InvalidTransitionError);
    }
  });

  it('never returns to creating', () => {
    for (const state of connectorStates) expect(canTransition(state, 'creating')).toBe(false);
    expect(canTransition('creating', 'connected')).toBe(true);
    expect(canTransition('auth_required', 'connected')).toBe(true);
  });
});
