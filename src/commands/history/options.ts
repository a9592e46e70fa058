// bgctl history [SERVICE]
import { defineVerb } from '../verb.js';

export interface HistoryOptions {
  service?: string;
}

export const historyVerb = defineVerb<HistoryOptions>({
  name: 'history',
  summary: 'list the rollouts recorded on a service',
  description:
    'The rollout in progress (marked *) and past rollouts, newest first, as bgctl recorded them on the Service: ' +
    'their revisions, phase, who ran them and when.',
  args: { name: '[service]', description: 'the Knative Service' },
  examples: ['bgctl history hello', 'bgctl history hello -o json'],
  parse: ({ arg }) => ({ service: arg }),
  load: () => import('./run.js'),
});
