/** Connector lifecycle; a transition not listed here is refused. */
export const connectorStates = ['creating', 'auth_required', 'connected', 'paused', 'disconnected', 'deleting'] as const;
export type ConnectorState = (typeof connectorStates)[number];

export const connectorTransitions = {
  creating: ['auth_required', 'connected', 'deleting'],
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
