import { jiraScenario } from '../../test/support/providers/jira.ts';
import { itemText, seededAt } from './reader-source.ts';
import { saasBench, scenarioConnector } from './saas.ts';

/** Issues of the project the scenario reads, found by JQL search. */
export const jira = saasBench({
  name: 'jira',
  start: () => jiraScenario.start(),
  add: (provider, index) => provider.addIssue({ project: 'TECH', summary: `Issue ${index}`, description: itemText(index), updated: seededAt().getTime() }),
  connect: scenarioConnector(jiraScenario),
});
