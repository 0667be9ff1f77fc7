import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

const MIN_INTERVAL_SECONDS = 60;
const MAX_INTERVAL_SECONDS = 366 * 24 * 3600;

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Five-field cron (minute hour day-of-month month day-of-week), as Temporal Schedules read it. */
function cronError(expression: string): string | undefined {
  if (expression.trim().split(/\s+/).length !== 5) {
    return 'must have five fields: minute hour day-of-month month day-of-week';
  }
  try {
    CronExpressionParser.parse(expression, { strict: false });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : 'is not a valid cron expression';
  }
}

export const manualScheduleSchema = z
  .object({ type: z.literal('manual') })
  .strict()
  .meta({ description: 'Runs only when a sync is triggered through the API.' });

export const intervalScheduleSchema = z
  .object({
    type: z.literal('interval'),
    everySeconds: z.number().int().min(MIN_INTERVAL_SECONDS).max(MAX_INTERVAL_SECONDS),
  })
  .strict()
  .meta({ description: 'Runs every `everySeconds` seconds (at least 60).', example: { type: 'interval', everySeconds: 3600 } });

export const cronScheduleSchema = z
  .object({
    type: z.literal('cron'),
    expression: z.string().superRefine((expression, context) => {
      const error = cronError(expression);
      if (error) context.addIssue({ code: 'custom', message: `invalid cron expression: ${error}` });
    }),
    timezone: z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Paris' }).optional(),
  })
  .strict()
  .meta({
    description: 'Runs on a five-field cron expression, in `timezone` (IANA) or UTC.',
    example: { type: 'cron', expression: '0 3 * * *', timezone: 'Europe/Paris' },
  });

export const onceScheduleSchema = z
  .object({
    type: z.literal('once'),
    at: z.iso.datetime({ offset: true }),
  })
  .strict()
  .meta({ description: 'Runs once at the instant `at`.', example: { type: 'once', at: '2030-01-01T00:00:00Z' } });

export const scheduleSchema = z
  .discriminatedUnion('type', [manualScheduleSchema, intervalScheduleSchema, cronScheduleSchema, onceScheduleSchema])
  .meta({ id: 'Schedule', description: 'When the connector syncs.' });

export type Schedule = z.infer<typeof scheduleSchema>;

/** A `once` schedule must point to the future at the moment it is accepted. */
export function scheduleInstantError(schedule: Schedule, now: Date): string | undefined {
  if (schedule.type === 'once' && Date.parse(schedule.at) <= now.getTime()) {
    return 'must be in the future';
  }
  return undefined;
}
