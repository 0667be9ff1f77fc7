import { googleDriveScenario } from '../../test/support/providers/google-drive.ts';
import { itemText } from './reader-source.ts';
import { saasBench, scenarioConnector } from './saas.ts';

/** Text files in the scenario's Engineering folder, one of its roots. */
export const googleDrive = saasBench({
  name: 'google_drive',
  start: () => googleDriveScenario.start(),
  add: (provider, index) =>
    provider.addFile({ name: `Note ${index}.txt`, parentId: provider.ids.engineering, mimeType: 'text/plain', content: itemText(index) }),
  connect: scenarioConnector(googleDriveScenario),
});
