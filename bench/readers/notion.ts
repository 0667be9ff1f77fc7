import { notionScenario } from '../../test/support/providers/notion.ts';
import { itemText } from './reader-source.ts';
import { saasBench, scenarioConnector } from './saas.ts';

/** Workspace pages of one paragraph, found by search and read block by block. */
export const notion = saasBench({
  name: 'notion',
  start: () => notionScenario.start(),
  add: (provider, index) => provider.addPage({ title: `Page ${index}`, paragraphs: [itemText(index)] }),
  connect: scenarioConnector(notionScenario),
  // The reader compares edit times at Notion's minute precision: a full sync that starts in the minute of
  // the seeding would leave every seeded page to be read again by the incremental one.
  settle: () => new Promise((resolve) => setTimeout(resolve, 60_000 - (Date.now() % 60_000) + 1000)),
});
