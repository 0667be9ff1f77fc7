import type { ConnectorDefinition } from '../connector-definition.ts';
import { webScraperConfigSchema, type WebScraperConfig } from './config.ts';

export const webScraper: ConnectorDefinition<WebScraperConfig> = {
  type: 'web_scraper',
  title: 'Web site',
  configSchema: webScraperConfigSchema,
  credentialKinds: [],
};
