import { ApplicationFailure } from '@temporalio/common';

/** Failure types the workflows and the API recognise. */
export const failureTypes = {
  connectorConflict: 'ConnectorConflict',
  scheduleConflict: 'ScheduleConflict',
  invalidTransition: 'InvalidTransition',
  connectorNotFound: 'ConnectorNotFound',
  credentialNotFound: 'CredentialNotFound',
  syncJobNotFound: 'SyncJobNotFound',
  sourceUnavailable: 'SourceUnavailable',
  sourceRefused: 'SourceRefused',
  sourceBusy: 'SourceBusy',
} as const;

export function nonRetryable(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
