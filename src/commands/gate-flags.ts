// The metric-gate flags of rollout and split (analyze has its own, with --window): where Prometheus is, which gates
// judge the candidate, how often. Everything is checked here, before anything is read or written.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { gatesFromDocument, type GateSet } from '../core/gates/file.js';
import { combineGates } from '../core/gates/gate-set.js';
import { parsePresetFlag, type PresetName } from '../core/gates/presets.js';
import { hasControlChars, quoteInput } from '../core/quote.js';
import { parseDuration } from '../core/parse.js';
import { parsePrometheusUrl } from '../metrics/url.js';
import { parseYAML } from '../ui/document.js';
import { collect } from './options-common.js';
import { fromEnv, type Env, type FlagValues } from './verb.js';

/** Gates to judge a candidate by, and the Prometheus to ask. */
export interface GateSettings {
  /**
   * --prometheus, else BGCTL_PROMETHEUS_URL, as given (it may carry user:password). Empty when only
   * `rollout --context-prometheus` names one: each visited context is then checked to have its own.
   */
  prometheus: string;
  /** BGCTL_PROMETHEUS_TOKEN; never printed. */
  token?: string;
  preset: PresetName | 'auto';
  gates: GateSet;
  /** Time between two evaluations while traffic is being judged. */
  intervalMs: number;
}

export const DEFAULT_GATE_INTERVAL = '10s';
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

/**
 * A regular file of at most `max` bytes. Opened without blocking and checked before reading: a FIFO would hang
 * the process (a synchronous read that Ctrl-C cannot interrupt), /dev/zero would never end.
 */
function readSmallFile(file: string, max: number): string {
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    if (!fstatSync(fd).isFile()) throw new Error('not a regular file');
    const buf = Buffer.alloc(max + 1);
    let size = 0;
    for (let n = 1; n > 0 && size <= max; size += n) n = readSync(fd, buf, size, buf.length - size, null);
    if (size > max) throw new Error(`larger than ${max} bytes`);
    return buf.toString('utf8', 0, size);
  } finally {
    closeSync(fd);
  }
}

/** `--gates FILE`: read and parsed here, so a bad file is a usage error before any request. */
export function readGatesFile(file: string): GateSet {
  let text: string;
  try {
    text = readSmallFile(file, MAX_GATES_FILE_BYTES);
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

/** The gates of --gate, --gate-query and --gates, checked and combined. */
export function gateSetOf(flags: FlagValues): GateSet {
  const file = flags.string('gates');
  return combineGates({
    gateFlags: flags.list('gate'),
    queryFlags: flags.list('gateQuery'),
    file: file === undefined ? undefined : readGatesFile(file),
  });
}

/** The flags naming gates and their Prometheus, shared by analyze, rollout and split. */
export function addGateFlags(cmd: Command): Command {
  return cmd
    .option('--prometheus <url>', 'the Prometheus server (also BGCTL_PROMETHEUS_URL)')
    .option('--gate <expr>', "a gate, e.g. 'error-rate<2%' or 'latency-p95<=stable*1.5'; repeatable", collect)
    .option('--gate-query <name=promql>', 'a custom measure that gates can name; repeatable', collect)
    .option('--gates <file>', 'gates and queries from a YAML file')
    .option(
      '--metrics-preset <name>',
      'metric names: auto (the default), knative (current) or knative-legacy (1.18 and older)',
    );
}

/** Adds --gate-interval: how often a writing verb evaluates its gates. */
export function addGateIntervalFlag(cmd: Command): Command {
  return cmd.option(
    '--gate-interval <duration>',
    `time between two evaluations of the gates (default ${DEFAULT_GATE_INTERVAL})`,
  );
}

/**
 * The gate settings of a writing verb, or undefined when no gate is given: a Prometheus URL alone (often set for
 * every job in BGCTL_PROMETHEUS_URL) judges nothing. Gates without a Prometheus are a usage error.
 */
export function parseGateSettings(
  flags: FlagValues,
  env: Env,
  opts: { perContext?: boolean } = {},
): GateSettings | undefined {
  const gates = gateSetOf(flags);
  const interval = flags.string('gateInterval');
  const preset = flags.string('metricsPreset');
  if (gates.gates.length === 0) {
    if (gates.queries.length > 0) {
      throw new UsageError('--gate-query defines a measure, but no --gate uses it', {
        reason: 'MissingFlag',
        hint: "add a gate on it, e.g. --gate 'NAME<0.5'",
      });
    }
    const orphan = interval !== undefined ? '--gate-interval' : preset !== undefined ? '--metrics-preset' : undefined;
    if (orphan) {
      throw new UsageError(`${orphan} needs gates to judge by`, {
        reason: 'MissingFlag',
        hint: "add --gate (e.g. --gate 'error-rate<2%') or --gates FILE",
      });
    }
    if (flags.string('prometheus') !== undefined) prometheusUrl(flags.string('prometheus'), env);
    return undefined;
  }
  const intervalMs = parseDuration(interval ?? DEFAULT_GATE_INTERVAL, '--gate-interval');
  if (intervalMs < 1000) {
    throw new UsageError('invalid --gate-interval: at least 1s', {
      reason: 'InvalidDuration',
      hint: 'Prometheus scrapes every few seconds at best; e.g. --gate-interval 10s',
    });
  }
  const token = prometheusToken(env);
  return {
    prometheus:
      opts.perContext && flags.string('prometheus') === undefined && !env.BGCTL_PROMETHEUS_URL
        ? ''
        : prometheusUrl(flags.string('prometheus'), env),
    ...(token && { token }),
    preset: parsePresetFlag(preset ?? 'auto'),
    gates,
    intervalMs,
  };
}
