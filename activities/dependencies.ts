import type { Db } from '../db/database.ts';
import type { ScheduleGateway } from '../temporal/schedule-gateway.ts';

/** Everything the activities touch, built once by the worker and passed in. */
export interface ActivityDependencies {
  readonly db: Db;
  readonly schedules: ScheduleGateway;
  /** Task queue that scheduled sync workflows run on. */
  readonly taskQueue: string;
  readonly now: () => Date;
}
