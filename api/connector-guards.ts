import type { Db } from '../db/database.ts';
import { findConnector } from '../db/repositories/connectors.ts';
import type { ConnectorSpec } from '../domain/connector.ts';
import { scheduleInstantError } from '../domain/schedule.ts';
import { ApiError } from './errors.ts';

/** Checks the parts of a schedule that depend on the clock, which the schema cannot. */
export function assertScheduleAccepted(spec: Pick<ConnectorSpec, 'schedule' | 'pruneSchedule'>, now: Date): void {
  for (const field of ['schedule', 'pruneSchedule'] as const) {
    const schedule = spec[field];
    const error = schedule && scheduleInstantError(schedule, now);
    if (error) {
      throw new ApiError(400, 'invalid_request', `Invalid request body: ${field}.at: ${error}`, {
        issues: [{ path: [field, 'at'], message: error, code: 'custom' }],
      });
    }
  }
}

/** A client-chosen id that is taken is a conflict, whichever workspace holds it. */
export async function existingConnectorConflict(db: Db, id: string): Promise<void> {
  if (await findConnector(db, id)) {
    throw new ApiError(409, 'conflict', `A connector with id ${id} already exists`);
  }
}
