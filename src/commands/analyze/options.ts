// bgctl analyze [SERVICE] --prometheus URL [--window D] [--gate EXPR]... [--gate-query NAME=PROMQL]...
// [--gates FILE] [--metrics-preset auto|knative|knative-1.19|knative-legacy]
import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { combineGates } from '../../core/gates/gate-set.js';
import { gatesFromDocument, type GateSet } from '../../core/gates/file.js';
import { parsePresetFlag, type PresetName } from '../../core/gates/presets.js';
import { hasControlChars, quoteInput } from '../../core/gates/quote.js';
import { validateServiceName } from '../../core/names.js';
import { parseDuration } from '../../core/parse.js';
import { parsePrometheusUrl } from '../../metrics/url.js';
import { parseYAML } from '../../ui/document.js';
import { SERVICE_ARG, collect } from '../options-common.js';
import { defineVerb, fromEnv, type Env } from '../verb.js';

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
const MAX_GATES_FILE_BYTES = 1024 * 1024;

/** The Prometheus URL of --prometheus or BGCTL_PROMETHEUS_URL (checked), else a usage error. */
export function prometheusUrl(flag: string | undefined, env: Env): string {
  if (flag !== undefined) {
    parsePrometheusUrl(flag);
    return flag;
  }
  const fromVar = fromEnv(env, 'BGCTL_PROMETHEUS_URL', (raw) => parsePrometheusUrl(raw, 'BGCTL_PROMETHEUS_URL'));
  if (fromVar === undefined) {
    throw new UsageError('no Prometheus to ask: pass --prometheus URL or set BGCTL_PROMETHEUS_URL', {
      reason: 'MissingPrometheus',
      hint: 'e.g. --prometheus http://prometheus.monitoring:9090',
    });
  }
  return env.BGCTL_PROMETHEUS_URL as string;
}

/**
 * BGCTL_PROMETHEUS_TOKEN without the surrounding whitespace a secret mount leaves (a trailing newline); a
 * control character inside it is a usage error that never shows the token.
 */
export function prometheusToken(env: Env): string | undefined {
  const token = env.BGCTL_PROMETHEUS_TOKEN?.trim();
  if (!token) return undefined;
  if (hasControlChars(token)) {
    throw new UsageError('invalid BGCTL_PROMETHEUS_TOKEN: it contains control characters (not shown)', {
      reason: 'InvalidEnv',
      hint: 'set it to the bare token, e.g. BGCTL_PROMETHEUS_TOKEN="$(cat /var/run/secrets/token)"',
    });
  }
  return token;
}

/** `--gates FILE`: read and parsed here, so a bad file is a usage error before any request. */
export function readGatesFile(file: string): GateSet {
  let text: string;
  try {
    const buf = readFileSync(file);
    if (buf.length > MAX_GATES_FILE_BYTES) throw new Error(`larger than ${MAX_GATES_FILE_BYTES} bytes`);
    text = buf.toString('utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UsageError(`cannot read the gates file ${quoteInput(file)}: ${why}`, { reason: 'InvalidGatesFile' });
  }
  let doc: unknown;
  try {
    doc = parseYAML(text);
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    throw new UsageError(`invalid gates file ${quoteInput(file)}: not YAML: ${why}`, { reason: 'InvalidGatesFile' });
  }
  return gatesFromDocument(doc, file);
}

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
  flags: (cmd) =>
    cmd
      .option('--prometheus <url>', 'the Prometheus server (also BGCTL_PROMETHEUS_URL)')
      .option('--window <duration>', 'the time looked back over, e.g. 5m', DEFAULT_WINDOW)
      .option('--gate <expr>', "a gate, e.g. 'error-rate<2%' or 'latency-p95<=stable*1.5'; repeatable", collect)
      .option('--gate-query <name=promql>', 'a custom measure that gates can name; repeatable', collect)
      .option('--gates <file>', 'gates and queries from a YAML file')
      .option(
        '--metrics-preset <name>',
        'metric names: auto, knative (current), knative-1.19 (v1.19.0-v1.19.7, v1.20.0) or ' +
          'knative-legacy (1.18 and older)',
        'auto',
      ),
  parse: ({ arg, flags, env }) => {
    const prometheus = prometheusUrl(flags.string('prometheus'), env);
    const windowMs = parseDuration(flags.string('window') ?? DEFAULT_WINDOW, '--window');
    if (windowMs < 1000) {
      throw new UsageError('invalid --window: at least 1s', { reason: 'InvalidDuration', hint: 'e.g. --window 5m' });
    }
    const preset = parsePresetFlag(flags.string('metricsPreset') ?? 'auto');
    const file = flags.string('gates');
    const gates = combineGates({
      gateFlags: flags.list('gate'),
      queryFlags: flags.list('gateQuery'),
      file: file === undefined ? undefined : readGatesFile(file),
    });
    const token = prometheusToken(env);
    const service = arg === undefined ? undefined : validateServiceName(arg);
    return { service, prometheus, ...(token && { token }), windowMs, preset, gates };
  },
  load: () => import('./run.js'),
});
