import type { z } from 'zod';

/**
 * What the control plane knows of a source type: its config schema and the credential kinds it takes.
 * @example
 * const webScraper: ConnectorDefinition<WebScraperConfig> = {
 *   type: 'web_scraper', title: 'Web site', configSchema: webScraperConfigSchema, credentialKinds: [],
 * };
 */
export interface ConnectorDefinition<Config = unknown> {
  readonly type: string;
  readonly title: string;
  readonly configSchema: z.ZodType<Config>;
  /** Credential kinds the source accepts; empty when it needs none. */
  readonly credentialKinds: readonly string[];
}
