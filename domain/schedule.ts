import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

const MIN_INTERVAL_SECONDS = 60;
const MAX_INTERVAL_SECONDS = 366 * 24 * 3600;

/** ICU's own ids (Java's three-letter zones, SystemV) and links IANA has dropped: Intl knows them, Temporal refuses them. */
const icuOnlyZones = new Set(
  'ACT AET AGT ART AST BET BST CAT CNT CST CTT EAT ECT IET IST JST MIT NET NST PLT PNT PRT PST SST VST US/Pacific-New Canada/East-Saskatchewan'.split(' '),
);
/** IANA spelling, e.g. `America/Port-au-Prince`, `Etc/GMT+5`: Intl also takes `europe/paris` and `+02:00`, which Temporal refuses. */
const ianaName = /^[A-Z][A-Za-z0-9]*(?:[-_+][A-Za-z0-9]+)*(?:\/[A-Z][A-Za-z0-9]*(?:[-_+][A-Za-z0-9]+)*)*$/;
let canonicalByLowerCase: Map<string, string> | undefined;

/** An IANA time zone as Temporal reads it (Go's tz database, names case-sensitive) that Intl can compute with too. */
export function isTimeZone(value: string): boolean {
  if (!ianaName.test(value) || icuOnlyZones.has(value) || value.startsWith('SystemV/')) return false;
  canonicalByLowerCase ??= new Map(Intl.supportedValuesOf('timeZone').map((zone) => [zone.toLowerCase(), zone]));
  const canonical = canonicalByLowerCase.get(value.toLowerCase());
  if (canonical !== undefined && canonical !== value) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** One comma-separated item as Temporal parses it: `*`, a value or a range, each with an optional `/step`. */
function cronItem(names: boolean): RegExp {
  const value = names ? String.raw`(?:\d+|[A-Za-z]{3})` : String.raw`\d+`;
  return new RegExp(String.raw`^(?:\*|${value}(?:-${value})?)(?:/\d+)?$`);
}
const cronFields = [
  { name: 'minute', names: false },
  { name: 'hour', names: false },
  { name: 'day-of-month', names: false },
  { name: 'month', names: true },
  { name: 'day-of-week', names: true },
].map((field) => ({ ...field, item: cronItem(field.names) }));

/**
 * Five-field cron (minute hour day-of-month month day-of-week), as Temporal Schedules read it:
 * Temporal has no `L`, `W`, `?` or `H` and takes `#` as the start of a comment, so those are refused
 * here; cron-parser then checks the values and refuses dates that never occur (`0 3 30 2 *`).
 */
function cronError(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return 'must have five fields: minute hour day-of-month month day-of-week';
  for (const [index, field] of fields.entries()) {
    const { name, names, item } = cronFields[index] as (typeof cronFields)[number];
    if (!field.split(',').every((part) => item.test(part))) {
      return `${name} field "${field}" is not one Temporal reads: use *, numbers${names ? ', three-letter names' : ''}, ranges (1-5), lists (1,15) and steps (*/15)`;
    }
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
    timezone: z.string().refine(isTimeZone, { message: 'must be an IANA time zone name, spelled as in the tz database, such as Europe/Paris' }).optional(),
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
