import type { Connector } from '../../domain/connector.ts';

let sequence = 0;

/** A connector as the repository stores it, for tests of the data layer: unique ids, ordered creation times. */
export function aConnector(overrides: Partial<Connector> = {}): Connector {
  sequence += 1;
  const id = `repo-${sequence}-${Math.random().toString(36).slice(2, 8)}`;
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)).toISOString();
  return {
    id,
    workspaceId: 'ws-a',
    name: `Connector ${sequence}`,
    description: null,
    type: 'web_scraper',
    collection: id,
    config: { url: 'https://example.com/', extractionType: 'single' },
    metadata: {},
    schedule: { type: 'manual' },
    pruneSchedule: null,
    credentialId: null,
    state: 'creating',
    stateReason: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}
