import { confluenceScenario } from '../../test/support/providers/confluence.ts';
import { itemText, seededAt } from './reader-source.ts';
import { saasBench, scenarioConnector } from './saas.ts';

/** Pages of a space the scenario reads, found by CQL search. */
export const confluence = saasBench({
  name: 'confluence',
  start: () => confluenceScenario.start(),
  add: (provider, index) => provider.addContent({ space: 'ENG', title: `Page ${index}`, storage: `<p>${itemText(index)}</p>`, at: seededAt().toISOString() }),
  connect: scenarioConnector(confluenceScenario),
});
