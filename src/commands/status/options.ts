// bgctl status [SERVICE] [-A] [--chunk-size N] [-w [--interval D] [--prometheus URL]]
import { UsageError } from '../../core/errors.js';
import { validateServiceName } from '../../core/names.js';
import { parseDuration } from '../../core/parse.js';
import { prometheusToken, prometheusUrl } from '../gate-flags.js';
import { parseChunkSize } from '../read-views/read-options.js';
import { defineVerb, type Env, type FlagValues } from '../verb.js';
import { addTargetFlags, parseTargetFlags, type FleetFlags } from '../fleet/flags.js';

export interface StatusOptions {
  /** Absent: list the namespace's services (or all namespaces' with allNamespaces). */
  service?: string;
  allNamespaces: boolean;
  /** Items per LIST page. */
  chunkSize?: number;
  /** -w/--watch: a live view of SERVICE until Ctrl-C; absent without it. */
  watch?: StatusWatchOptions;
  /** -l/--selector, --all-contexts: a fleet table (also with several contexts); absent without them. */
  targets?: FleetFlags;
}

export interface StatusWatchOptions {
  /** --interval: how often Prometheus is sampled. */
  intervalMs: number;
  /** --prometheus, else BGCTL_PROMETHEUS_URL, as given (it may carry user:password); no metrics without. */
  prometheus?: string;
  /** BGCTL_PROMETHEUS_TOKEN; never printed. */
  token?: string;
}

export const DEFAULT_WATCH_INTERVAL = '2s';

function parseWatch(service: string | undefined, flags: FlagValues, env: Env): StatusWatchOptions | undefined {
  const given = flags.strings({ interval: 'interval', prometheus: 'prometheus' });
  if (!flags.given('watch')) {
    const stray = given.interval !== undefined ? '--interval' : given.prometheus !== undefined ? '--prometheus' : '';
    if (stray)
      throw new UsageError(`${stray} applies to the live view only`, {
        reason: 'ConflictingFlags',
        hint: `add --watch, e.g. bgctl status SERVICE --watch ${stray} ...`,
      });
    return undefined;
  }
  if (service === undefined) {
    throw new UsageError('--watch needs SERVICE: the live view shows one service', {
      reason: 'MissingArgument',
      hint: 'e.g. bgctl status hello --watch',
    });
  }
  const intervalMs = parseDuration(given.interval ?? DEFAULT_WATCH_INTERVAL, '--interval');
  if (intervalMs < 1000) {
    throw new UsageError('invalid --interval: at least 1s', { reason: 'InvalidDuration', hint: 'e.g. --interval 2s' });
  }
  const useProm = given.prometheus !== undefined || (env.BGCTL_PROMETHEUS_URL ?? '') !== '';
  if (!useProm) return { intervalMs };
  const prometheus = prometheusUrl(given.prometheus, env);
  const token = prometheusToken(env);
  return { intervalMs, prometheus, ...(token && { token }) };
}

export const statusVerb = defineVerb<StatusOptions>({
  name: 'status',
  summary: 'show traffic, revisions, tags and the rollout phase of a service (or list services)',
  description:
    'With SERVICE: its URL, readiness, traffic split with a bar per target, tag URLs, revisions, conditions ' +
    'that are not True, the rollout phase recorded by bgctl, and the next command. Without SERVICE: one line ' +
    'per service of the namespace (-A: of all namespaces). ' +
    'With a label selector, several contexts (a comma list) or every context: one table of every target ' +
    '(context, namespace, service, phase, candidate percent, readiness, fleet id), -o json a FleetStatus document. ' +
    'With --watch: a live view of SERVICE (traffic bars, readiness, rollout phase and, with a Prometheus, each ' +
    "revision's request rate, error rate and p95 over the last minute with a trend), redrawn in place on a " +
    'terminal; in a pipe one block per change, with -o json one LiveStatus document per line per change. ' +
    'Ctrl-C ends it (exit 0). The token comes from BGCTL_PROMETHEUS_TOKEN only.',
  args: { name: '[service]', description: 'the Knative Service (omit to list services)' },
  examples: [
    'bgctl status hello',
    'bgctl status -A -o json',
    'bgctl status -n prod',
    'bgctl status hello --watch --prometheus http://prometheus:9090',
    'bgctl status -l app=shop --context prod-eu,prod-us   # one table of every target',
  ],
  manyContexts: true,
  flags: (cmd) =>
    addTargetFlags(cmd)
      .option('-A, --all-namespaces', 'list the services of all namespaces')
      .option('--chunk-size <n>', 'items per LIST request (pages of the API server)')
      .option('-w, --watch', 'a live view of SERVICE, redrawn on every change until Ctrl-C')
      .option('--interval <duration>', `how often the live view samples Prometheus (default ${DEFAULT_WATCH_INTERVAL})`)
      .option('--prometheus <url>', 'the Prometheus server of the live view (also BGCTL_PROMETHEUS_URL)'),
  parse: ({ arg, flags, env }) => {
    const allNamespaces = flags.given('allNamespaces');
    const chunkSize = parseChunkSize(flags.string('chunkSize'));
    if (arg !== undefined && allNamespaces) {
      throw new UsageError('a service cannot be shown across all namespaces: pass SERVICE or -A, not both', {
        reason: 'ConflictingFlags',
        hint: 'use -n NAMESPACE to pick the namespace of SERVICE',
      });
    }
    const service = arg === undefined ? undefined : validateServiceName(arg);
    const watch = parseWatch(service, flags, env);
    const targets = parseTargetFlags(flags, false);
    if (targets?.selector !== undefined && service !== undefined)
      throw new UsageError('pass SERVICE or --selector, not both', { reason: 'ConflictingFlags' });
    if (targets && watch)
      throw new UsageError('--watch shows one service in one context', { reason: 'ConflictingFlags' });
    return { service, allNamespaces, chunkSize, ...(watch && { watch }), ...(targets && { targets }) };
  },
  load: () => import('./run.js'),
});
