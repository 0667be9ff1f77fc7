import { ScheduleNotFoundError, type ScheduleClient, type ScheduleOptions, type ScheduleUpdateOptions } from '@temporalio/client';

/** The part of Temporal's schedule client that the activities use; tests wrap it to inject faults. */
export interface ScheduleGateway {
  create(options: ScheduleOptions): Promise<void>;
  /** The schedule's memo, or undefined when no schedule has that id. */
  describeMemo(scheduleId: string): Promise<Record<string, unknown> | undefined>;
  /** Deletes the schedule; a missing schedule is not an error. */
  delete(scheduleId: string): Promise<void>;
  /** Replaces spec, action, policies and state of an existing schedule. */
  update(scheduleId: string, options: ScheduleUpdateOptions): Promise<void>;
}

export function temporalScheduleGateway(schedules: ScheduleClient): ScheduleGateway {
  return {
    async create(options) {
      await schedules.create(options);
    },
    async describeMemo(scheduleId) {
      try {
        const description = await schedules.getHandle(scheduleId).describe();
        return description.memo ?? {};
      } catch (error) {
        if (error instanceof ScheduleNotFoundError) return undefined;
        throw error;
      }
    },
    async update(scheduleId, options) {
      await schedules.getHandle(scheduleId).update(() => options);
    },
    async delete(scheduleId) {
      try {
        await schedules.getHandle(scheduleId).delete();
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
    },
  };
}
