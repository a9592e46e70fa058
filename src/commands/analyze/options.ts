// bgctl analyze [SERVICE] --prometheus URL [--window D] [--gate EXPR]... [--gate-query NAME=PROMQL]...
// [--gates FILE] [--metrics-preset auto|knative|knative-1.19|knative-legacy]
import { UsageError } from '../../core/errors.js';
import type { GateSet } from '../../core/gates/file.js';
import { parsePresetFlag, type PresetName } from '../../core/gates/presets.js';
import { validateServiceName } from '../../core/names.js';
import { parseDuration } from '../../core/parse.js';
import { addGateFlags, gateSetOf, prometheusToken, prometheusUrl } from '../gate-flags.js';
import { SERVICE_ARG } from '../options-common.js';
import { defineVerb } from '../verb.js';

export interface AnalyzeOptions {
  service?: string;
  /** --prometheus, else BGCTL_PROMETHEUS_URL, as given (it may carry user:password). */
  prometheus: string;
  /** BGCTL_PROMETHEUS_TOKEN; never printed. */
  token?: string;
  windowMs: number;
  preset: PresetName | 'auto';
  /** The gates and custom queries of --gate, --gate-query and --gates, checked and combined. */
  gates: GateSet;
}

export const DEFAULT_WINDOW = '5m';

export const analyzeVerb = defineVerb<AnalyzeOptions>({
  name: 'analyze',
  summary: "judge a service's revisions by their Prometheus metrics (rate, errors, latency, gates)",
  description:
    'Asks Prometheus, for every revision with traffic or a tag, for its requests, request rate, error rate and ' +
    'p50/p95/p99 latency over --window, and judges it with the gates (--gate, --gate-query, --gates). The ' +
    "stable revision (the rollout's, else the one with the most traffic) is judged by the absolute gates, every " +
    "other revision with traffic and the rollout's candidate by every gate against it. No data is never a pass: a " +
    'revision with too few requests fails InsufficientData, and gates that judged nothing fail. Writes nothing. ' +
    'Exit 3: a gate failed; exit 7: Prometheus could not be asked; ' +
    'exit 2: a bad gate or PromQL. The token comes from BGCTL_PROMETHEUS_TOKEN only.',
  args: SERVICE_ARG,
  examples: [
    'bgctl analyze hello --prometheus http://prometheus:9090',
    "bgctl analyze hello --window 10m --gate 'error-rate<2%' --gate 'latency-p99<=stable*1.5' -o json",
    'bgctl analyze hello --gate-query \'errors=sum(rate(my_errors_total{revision="{{revision}}"}[{{window}}]))\' ' +
      "--gate 'errors<0.5'",
  ],
  flags: (cmd) => addGateFlags(cmd).option('--window <duration>', 'the time looked back over, e.g. 5m', DEFAULT_WINDOW),
  parse: ({ arg, flags, env }) => {
    const prometheus = prometheusUrl(flags.string('prometheus'), env);
    const windowMs = parseDuration(flags.string('window') ?? DEFAULT_WINDOW, '--window');
    if (windowMs < 1000) {
      throw new UsageError('invalid --window: at least 1s', { reason: 'InvalidDuration', hint: 'e.g. --window 5m' });
    }
    const preset = parsePresetFlag(flags.string('metricsPreset') ?? 'auto');
    const gates = gateSetOf(flags);
    const token = prometheusToken(env);
    const service = arg === undefined ? undefined : validateServiceName(arg);
    return { service, prometheus, ...(token && { token }), windowMs, preset, gates };
  },
  load: () => import('./run.js'),
});
