import { githubScenario } from '../../test/support/providers/github.ts';
import { itemText } from './reader-source.ts';
import { saasBench, scenarioConnector } from './saas.ts';

/** Issues of the scenario's repository, paged by `Link` header. */
export const github = saasBench({
  name: 'github',
  start: () => githubScenario.start(),
  add: (provider, index) =>
    provider.addIssue((githubScenario.config(provider).repos as string[])[0] as string, { title: `Issue ${index}`, body: itemText(index) }),
  connect: scenarioConnector(githubScenario),
});
