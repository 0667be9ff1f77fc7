import type { CredentialKind } from '../../domain/credential.ts';
import { createCorpus } from '../fixtures.ts';

/** A source seeded for one benchmark, and what POST /v1/connectors needs to read it. */
export interface SeededSource {
  /** The connector type. */
  type: string;
  config: Record<string, unknown>;
  /** Created through POST /v1/credentials and bound to the connector; none for sources that take none. */
  credential?: { kind: CredentialKind; secret: Record<string, string> };
  close(): Promise<void>;
}

/**
 * One reader at its natural scale: `seed` fills a local server or database with `items` documents
 * (on top of whatever its test kit seeds) and says how to connect to it.
 * @example
 * export const slack: ReaderBench = { name: 'slack', items: 2000, seed: async (count) => ({ type: 'slack', ... }) };
 */
export interface ReaderBench {
  name: string;
  /** Documents at --scale 1. */
  items: number;
  /** Whether `--only saas` selects it. */
  saas?: boolean;
  seed(count: number): Promise<SeededSource>;
}

let zipf: ReturnType<typeof createCorpus> | undefined;

/** About 1 KB of Zipf-distributed text for item `index`, the same on every run; the corpus is built on first use. */
export function itemText(index: number, bytes = 1024): string {
  zipf ??= createCorpus('zipf');
  return zipf.body(index, bytes);
}

/**
 * When seeded items were last modified, for providers that take it: a day back, so an incremental
 * sync's overlap with the full one (sources compare at minute precision) does not read them again.
 */
export function seededAt(): Date {
  return new Date(Date.now() - 86_400_000);
}
