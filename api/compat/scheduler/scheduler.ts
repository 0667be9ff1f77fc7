import type { Schedule } from '../../../domain/schedule.ts';
import { RequestValidationError } from './http-exception.ts';

export const schedulerTypes = ['imed', 'cron', 'when'] as const;
export type SchedulerType = (typeof schedulerTypes)[number];

const bareDate = /^\d{4}-\d{2}-\d{2}$/;
/** ISO 8601 as Python's `datetime.fromisoformat` writes it: `T` or a space, seconds optional, offset optional. */
const dateTime = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}:\d{2})?$/;

/**
 * The schedule a scheduler stands for: `imed` a manual schedule (the connector waits for its
 * collection association), `cron` a five-field cron in UTC, `when` a `once` schedule at the date's
 * midnight UTC or at the date-time (UTC when it has no offset). Clock and cron rules are checked by
 * the create body's schema and the use case, as for `/v1`.
 */
export function scheduleOf(type: SchedulerType, value: string | undefined): Schedule {
  if (type === 'imed') return { type: 'manual' };
  if (value === undefined || value.trim() === '') {
    throw new RequestValidationError([{ loc: ['query', 'scheduler_value'], msg: `Field required when scheduler_type is ${type}`, type: 'missing' }]);
  }
  if (type === 'cron') return { type: 'cron', expression: value.trim() };
  const trimmed = value.trim();
  if (bareDate.test(trimmed)) return { type: 'once', at: `${trimmed}T00:00:00Z` };
  const parts = dateTime.exec(trimmed);
  if (!parts) {
    throw new RequestValidationError([
      {
        loc: ['query', 'scheduler_value'],
        msg: 'Input should be a date (YYYY-MM-DD) or a date-time (YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])',
        type: 'datetime_from_date_parsing',
      },
    ]);
  }
  const [, date, time, offset] = parts as unknown as [string, string, string, string | undefined];
  return { type: 'once', at: `${date}T${time.length === 5 ? `${time}:00` : time}${offset ?? 'Z'}` };
}

/** The scheduler fields of the answer: the value as Tributary keeps it (a `when` as its instant). */
export function schedulerOf(schedule: Schedule): { scheduler_type: SchedulerType; scheduler_value: string | null } {
  switch (schedule.type) {
    case 'cron':
      return { scheduler_type: 'cron', scheduler_value: schedule.expression };
    case 'once':
      return { scheduler_type: 'when', scheduler_value: schedule.at };
    default:
      // A connector this API created is `imed` whenever it is neither `cron` nor `when`.
      return { scheduler_type: 'imed', scheduler_value: null };
  }
}
