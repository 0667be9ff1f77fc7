import type { ConnectorDefinition } from './connector-definition.ts';
import { confluence } from './confluence/index.ts';
import { github } from './github/index.ts';
import { googleDrive } from './google_drive/index.ts';
import { impersonatedGoogleDrive } from './impersonated_google_drive/index.ts';
import { jira } from './jira/index.ts';
import { notion } from './notion/index.ts';
import { onedrive } from './onedrive/index.ts';
import { postgresql } from './postgresql/index.ts';
import { s3 } from './s3/index.ts';
import { salesforce } from './salesforce/index.ts';
import { sharepoint } from './sharepoint/index.ts';
import { slack } from './slack/index.ts';
import { upload } from './upload/index.ts';
import { webScraper } from './web_scraper/index.ts';

/** Every source type Tributary can sync; adding one is one line here. */
export const connectorDefinitions = [
  jira,
  confluence,
  googleDrive,
  impersonatedGoogleDrive,
  webScraper,
  upload,
  sharepoint,
  onedrive,
  s3,
  github,
  slack,
  notion,
  salesforce,
  postgresql,
] as const;

export type ConnectorType = (typeof connectorDefinitions)[number]['type'];

export function findConnectorDefinition(type: string): ConnectorDefinition<unknown> | undefined {
  return connectorDefinitions.find((definition) => definition.type === type) as ConnectorDefinition<unknown> | undefined;
}

/** Whether a source type syncs only once a credential is bound. */
export function needsCredential(type: string): boolean {
  return (findConnectorDefinition(type)?.credentialKinds.length ?? 0) > 0;
}
