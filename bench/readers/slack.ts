import { slackScenario } from '../../test/support/providers/slack.ts';
import { itemText } from './reader-source.ts';
import { saasBench, scenarioConnector } from './saas.ts';

/** Messages of #general, each a thread of its own. */
export const slack = saasBench({
  name: 'slack',
  start: () => slackScenario.start(),
  add: (provider, index) => provider.post('C0GENERAL1', 'U0ALICE', itemText(index)),
  connect: scenarioConnector(slackScenario),
});
