import { webScraper } from './web_scraper/index.ts';

/** Every source type Tributary can sync; adding one is one line here. */
export const connectorDefinitions = [webScraper] as const;

export type ConnectorType = (typeof connectorDefinitions)[number]['type'];

export function findConnectorDefinition(type: string) {
  return connectorDefinitions.find((definition) => definition.type === type);
}
