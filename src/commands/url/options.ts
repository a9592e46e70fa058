// bgctl url [SERVICE] [--tag T]
import { defineVerb } from '../verb.js';

export interface UrlOptions {
  service?: string;
  /** Print this tag's URL instead of the main URL (checked once the service name is known). */
  tag?: string;
}

export const urlVerb = defineVerb<UrlOptions>({
  name: 'url',
  summary: "print a service's URL, or one tag's URL",
  description:
    'Prints the URL Knative reports for the service, or with --tag the URL of that tag, alone on a line so that ' +
    'scripts can use it in $(…). Exit 1 when the route has no URL yet.',
  args: { name: '[service]', description: 'the Knative Service' },
  examples: ['bgctl url hello', 'curl "$(bgctl url hello --tag candidate)"'],
  flags: (cmd) => cmd.option('--tag <tag>', 'print the URL of this tag instead of the main URL'),
  parse: ({ arg, flags }) => ({ service: arg, tag: flags.string('tag') }),
  load: () => import('./run.js'),
});
