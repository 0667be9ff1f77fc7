import { generateKeyPairSync } from 'node:crypto';
import { googleDriveScenario } from '../../test/support/providers/google-drive.ts';
import { itemText } from './reader-source.ts';
import { saasBench } from './saas.ts';

/** The Google Drive data set read as a user through domain-wide delegation: a service account whose key the provider trusts. */
export const impersonatedGoogleDrive = saasBench({
  name: 'impersonated_google_drive',
  start: () => googleDriveScenario.start(),
  add: (provider, index) =>
    provider.addFile({ name: `Note ${index}.txt`, parentId: provider.ids.engineering, mimeType: 'text/plain', content: itemText(index) }),
  connect(provider) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const clientEmail = 'bench-sync@acme.iam.gserviceaccount.com';
    provider.trustServiceAccount(clientEmail, publicKey.export({ type: 'spki', format: 'pem' }).toString());
    return {
      type: 'impersonated_google_drive',
      config: { ...googleDriveScenario.config(provider), targetAccount: 'ada@example.com', tokenUrl: provider.tokenUrl },
      credential: { kind: 'service_account', secret: { clientEmail, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } },
    };
  },
});
