import type { ConnectorDefinition } from '../connector-definition.ts';
import { httpCheck } from '../http/http-check.ts';
import { webScraperConfigSchema, type WebScraperConfig } from './config.ts';
import { openWebSource } from './source.ts';

export const webScraper: ConnectorDefinition<WebScraperConfig> = {
  type: 'web_scraper',
  title: 'Web site',
  configSchema: webScraperConfigSchema,
  credentialKinds: [],
  openSource: (context) => openWebSource(context),
  reads: { incremental: false, prune: false },
  check: ({ config, fetch }) => httpCheck(fetch, { service: 'The web site', url: config.url, headers: { accept: 'text/html,*/*' } }),
};
