import type { SaasProvider, SourceScenario } from '../../test/support/providers/saas-provider.ts';
import type { ReaderBench, SeededSource } from './reader-source.ts';

/** A SaaS source's natural scale here: a few thousand items keep a run of every provider short. */
export const SAAS_ITEMS = 2000;

/**
 * A SaaS reader against its local provider: the provider as `start` seeds it, plus `count` items from
 * `add`, read through the connector `connect` describes.
 */
export function saasBench<Provider extends SaasProvider>(input: {
  name: string;
  start: () => Promise<Provider>;
  add: (provider: Provider, index: number) => void;
  connect: (provider: Provider) => Omit<SeededSource, 'close'>;
  /** Waits, after seeding, until the provider's clock lets an incremental sync tell the seeded items from later edits. */
  settle?: () => Promise<void>;
}): ReaderBench {
  return {
    name: input.name,
    items: SAAS_ITEMS,
    saas: true,
    async seed(count) {
      const provider = await input.start();
      for (let index = 0; index < count; index += 1) input.add(provider, index);
      await input.settle?.();
      return { ...input.connect(provider), close: () => provider.close() };
    },
  };
}

/** The connector of a conformance scenario: its config and its token credential. */
export function scenarioConnector<Provider extends SaasProvider>(scenario: SourceScenario<Provider>): (provider: Provider) => Omit<SeededSource, 'close'> {
  return (provider) => ({ type: scenario.type, config: scenario.config(provider), credential: scenario.tokenCredential(provider) });
}
