import { sharepointScenario } from '../../test/support/providers/microsoft-graph.ts';
import { itemText } from './reader-source.ts';
import { saasBench, scenarioConnector } from './saas.ts';

/** Text files in the Design folder of the scenario's site, read by drive delta. */
export const sharepoint = saasBench({
  name: 'sharepoint',
  start: () => sharepointScenario.start(),
  add: (provider, index) => provider.addFile(provider.ids.design, `note-${index}.txt`, itemText(index)),
  connect: scenarioConnector(sharepointScenario),
});
