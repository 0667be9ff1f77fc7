import { ApplicationFailure } from '@temporalio/common';
import { ConnectorNotFoundError } from '../db/repositories/connectors.ts';
import { InvalidTransitionError } from '../domain/connector-state.ts';

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
  /** The source limits our rate; the activity is retried when the limit ends. */
  sourceRateLimited: 'SourceRateLimited',
  /** The source refused the connector's credential for good; the connector is disconnected. */
  credentialRefused: 'CredentialRefused',
} as const;

export function nonRetryable(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

/** A connector repository's refusal as the failure type the workflows recognise; anything else as it is. */
export function asConnectorFailure(error: unknown): unknown {
  if (error instanceof InvalidTransitionError) return nonRetryable(failureTypes.invalidTransition, error.message);
  if (error instanceof ConnectorNotFoundError) return nonRetryable(failureTypes.connectorNotFound, error.message);
  return error;
}
