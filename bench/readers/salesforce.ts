import { salesforceScenario } from '../../test/support/providers/salesforce.ts';
import { itemText } from './reader-source.ts';
import { saasBench, scenarioConnector } from './saas.ts';

/** Accounts with a long description, read by SOQL query and queryMore. */
export const salesforce = saasBench({
  name: 'salesforce',
  start: () => salesforceScenario.start(),
  add: (provider, index) => provider.addRecord('Account', { Name: `Account ${index}`, Industry: 'Energy', Description: itemText(index) }),
  connect: scenarioConnector(salesforceScenario),
});
