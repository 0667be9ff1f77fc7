import { AppError } from '../application/errors.ts';
import { isTemporalUnreachable } from '../temporal/unreachable.ts';

/** A Temporal transport error as a 503, or undefined for any other error. */
export function temporalUnavailable(error: unknown): AppError | undefined {
  return isTemporalUnreachable(error) ? new AppError('temporal_unavailable', 'Temporal is unreachable; retry shortly') : undefined;
}
