import { sharepointScenario, startGraphProvider } from '../../test/support/providers/microsoft-graph.ts';
import { itemText } from './reader-source.ts';
import { saasBench } from './saas.ts';

/** Text files in a OneDrive folder, read by its delta. */
export const onedrive = saasBench({
  name: 'onedrive',
  start: startGraphProvider,
  add: (provider, index) => provider.addFile(provider.ids.projects, `note-${index}.txt`, itemText(index)),
  connect: (provider) => ({
    type: 'onedrive',
    config: { urls: [provider.oneDriveFolderUrl], graphUrl: provider.url },
    credential: sharepointScenario.tokenCredential(provider),
  }),
});
