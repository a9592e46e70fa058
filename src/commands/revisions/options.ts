// bgctl revisions [SERVICE] [--chunk-size N]
import { parseChunkSize } from '../read-views/read-options.js';
import { defineVerb } from '../verb.js';

export interface RevisionsOptions {
  service?: string;
  chunkSize?: number;
}

export const revisionsVerb = defineVerb<RevisionsOptions>({
  name: 'revisions',
  summary: 'list the revisions of a service with readiness, traffic, tags and age',
  description:
    'One row per revision of the service: its readiness, the percent of traffic and the tags that route to it, ' +
    'its image and age. Rows are printed as each page of the list arrives, in the order the API lists them.',
  args: { name: '[service]', description: 'the Knative Service' },
  examples: ['bgctl revisions hello', 'bgctl revisions hello -o json', 'bgctl revisions hello --chunk-size 50'],
  flags: (cmd) => cmd.option('--chunk-size <n>', 'items per LIST request (pages of the API server)'),
  parse: ({ arg, flags }) => ({ service: arg, chunkSize: parseChunkSize(flags.string('chunkSize')) }),
  load: () => import('./run.js'),
});
