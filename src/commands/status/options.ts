// bgctl status [SERVICE] [-A] [--chunk-size N]
import { UsageError } from '../../core/errors.js';
import { validateServiceName } from '../../core/names.js';
import { parseChunkSize } from '../read-views/read-options.js';
import { defineVerb } from '../verb.js';

export interface StatusOptions {
  /** Absent: list the namespace's services (or all namespaces' with allNamespaces). */
  service?: string;
  allNamespaces: boolean;
  /** Items per LIST page. */
  chunkSize?: number;
}

export const statusVerb = defineVerb<StatusOptions>({
  name: 'status',
  summary: 'show traffic, revisions, tags and the rollout phase of a service (or list services)',
  description:
    'With SERVICE: its URL, readiness, traffic split with a bar per target, tag URLs, revisions, conditions ' +
    'that are not True, the rollout phase recorded by bgctl, and the next command. Without SERVICE: one line ' +
    'per service of the namespace (-A: of all namespaces).',
  args: { name: '[service]', description: 'the Knative Service (omit to list services)' },
  examples: ['bgctl status hello', 'bgctl status -A -o json', 'bgctl status -n prod'],
  flags: (cmd) =>
    cmd
      .option('-A, --all-namespaces', 'list the services of all namespaces')
      .option('--chunk-size <n>', 'items per LIST request (pages of the API server)'),
  parse: ({ arg, flags }) => {
    const allNamespaces = flags.given('allNamespaces');
    const chunkSize = parseChunkSize(flags.string('chunkSize'));
    if (arg !== undefined && allNamespaces) {
      throw new UsageError('a service cannot be shown across all namespaces: pass SERVICE or -A, not both', {
        reason: 'ConflictingFlags',
        hint: 'use -n NAMESPACE to pick the namespace of SERVICE',
      });
    }
    return { service: arg === undefined ? undefined : validateServiceName(arg), allNamespaces, chunkSize };
  },
  load: () => import('./run.js'),
});
