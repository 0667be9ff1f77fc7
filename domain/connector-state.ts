/**
 * Connector lifecycle; a transition not listed here is refused. `needs_configuration`: created
 * without the config its type requires (Elastic's connector before `_configuration`); it neither
 * checks nor syncs until its config is set.
 */
export const connectorStates = ['creating', 'needs_configuration', 'auth_required', 'connected', 'paused', 'disconnected', 'deleting'] as const;
export type ConnectorState = (typeof connectorStates)[number];

export const connectorTransitions = {
  creating: ['needs_configuration', 'auth_required', 'connected', 'deleting'],
  needs_configuration: ['connected', 'auth_required', 'deleting'],
  auth_required: ['connected', 'paused', 'disconnected', 'deleting'],
  connected: ['auth_required', 'paused', 'disconnected', 'deleting'],
  paused: ['connected', 'auth_required', 'disconnected', 'deleting'],
  disconnected: ['connected', 'auth_required', 'paused', 'deleting'],
  deleting: [],
} as const satisfies Record<ConnectorState, readonly ConnectorState[]>;

export function canTransition(from: ConnectorState, to: ConnectorState): boolean {
  return (connectorTransitions[from] as readonly ConnectorState[]).includes(to);
}

export class InvalidTransitionError extends Error {
  override name = 'InvalidTransitionError';
  readonly from: ConnectorState;
  readonly to: ConnectorState;
  constructor(from: ConnectorState, to: ConnectorState) {
    super(`A connector cannot go from ${from} to ${to}`);
    this.from = from;
    this.to = to;
  }
}

export function assertTransition(from: ConnectorState, to: ConnectorState): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
}
