// The wizard's metric gates: asked (with defaults) when a Prometheus URL is known and no gate was given, checked
// against Prometheus before anything is written, then judged at each traffic level while the live view of the
// service and the latest evaluation share one region of the terminal.
import { BgctlError, CancelError, UsageError } from '../../core/errors.js';
import { parseGate } from '../../core/gates/expr.js';
import type { GateSet } from '../../core/gates/file.js';
import { combineGates } from '../../core/gates/gate-set.js';
import type { KnativeService } from '../../core/knative-types.js';
import { parseDuration } from '../../core/parse.js';
import type { RolloutState } from '../../core/state.js';
import type { LiveView } from '../../core/views/live-view.js';
import { LiveRegion } from '../../ui/live-region.js';
import { renderLiveView } from '../../ui/live-view.js';
import { printable } from '../../ui/sanitize.js';
import { cutToWidth } from '../../ui/text-width.js';
import {
  DEFAULT_GATE_INTERVAL,
  prometheusToken,
  prometheusUrl,
  readGatesFile,
  type GateSettings,
} from '../gate-flags.js';
import { evaluationTable } from '../gates/display.js';
import type { GateWindow } from '../gates/window.js';
import { HISTORY_SIZE, followLiveView } from '../live-view/sampler.js';
import { ASK } from './ask.js';
import { checkGates, judgeSplit } from './gates.js';
import type { Journal, Session } from './session.js';

/** Offered by default: no worse than the stable revision by a point of errors, or by half again its p95. */
export const DEFAULT_WIZARD_GATES = ['error-rate<=stable+1%', 'latency-p95<=stable*1.5'] as const;
export const DEFAULT_ANALYSIS_TIME = '2m';

const MIN_INTERVAL_MS = 1000;

/** The Prometheus of --prometheus or BGCTL_PROMETHEUS_URL; a bad variable is a warning (no gates offered). */
function knownPrometheus(s: Session): string | undefined {
  const { io } = s.ctx;
  if (s.opts.prometheus === undefined && !io.env.BGCTL_PROMETHEUS_URL) return undefined;
  try {
    return prometheusUrl(s.opts.prometheus, io.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err.write(io.colors().warn(`${io.colors().warnIcon} ${printable(err.message)}; no metric gates offered`) + '\n');
    return undefined;
  }
}

const splitList = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** The gates as answered: the defaults, own ones, or both; each parsed by the core parser, none twice. */
function gateSetOf(list: readonly string[]) {
  for (const g of list) parseGate(g, [], 'gate');
  return combineGates({ gateFlags: list });
}

const validated =
  (check: (v: string) => unknown) =>
  (v: string): true | string => {
    try {
      check(v);
      return true;
    } catch (err) {
      return err instanceof UsageError ? err.message : String(err);
    }
  };

function checkedDuration(v: string, what: string, min: number): number {
  const ms = parseDuration(v, what);
  if (ms < min) throw new UsageError(`invalid ${what}: at least ${min / 1000}s`, { reason: 'InvalidDuration' });
  return ms;
}

async function askSettings(s: Session, prometheus: string): Promise<{ settings: GateSettings; pauseMs: number }> {
  const p = s.ctx.prompter();
  const defaults = DEFAULT_WIZARD_GATES.join(', ');
  const which = await p.select<'defaults' | 'more' | 'own' | 'file'>(ASK.gates, [
    { value: 'defaults', name: `The defaults: ${defaults}` },
    { value: 'more', name: 'The defaults and gates of my own' },
    { value: 'own', name: 'Only gates of my own' },
    { value: 'file', name: 'From a gates file (custom queries too)' },
  ]);
  let gates: GateSet;
  if (which === 'file') {
    // The gates judged are the ones validated: read once, so a file edited after the answer cannot slip in unchecked.
    const read = new Map<string, GateSet>();
    const file = (
      await p.input(ASK.gatesFile, { validate: validated((v) => read.set(v.trim(), readGatesFile(v.trim()))) })
    ).trim();
    gates = read.get(file) ?? readGatesFile(file);
  } else {
    const base: string[] = which === 'own' ? [] : [...DEFAULT_WIZARD_GATES];
    let list = base;
    if (which !== 'defaults') {
      const own = await p.input(ASK.gatesOwn, {
        validate: validated((v) => {
          if (splitList(v).length === 0) throw new UsageError('at least one gate, e.g. error-rate<1%');
          gateSetOf([...base, ...splitList(v)]);
        }),
      });
      list = [...base, ...splitList(own)];
    }
    gates = gateSetOf(list);
  }
  const pause = await p.input(ASK.analysisTime, {
    default: DEFAULT_ANALYSIS_TIME,
    validate: validated((v) => checkedDuration(v, 'analysis time', MIN_INTERVAL_MS)),
  });
  const interval = await p.input(ASK.gateInterval, {
    default: DEFAULT_GATE_INTERVAL,
    validate: validated((v) => checkedDuration(v, 'time between evaluations', MIN_INTERVAL_MS)),
  });
  const token = prometheusToken(s.ctx.io.env);
  return {
    settings: {
      prometheus,
      ...(token && { token }),
      preset: 'auto',
      gates,
      intervalMs: checkedDuration(interval, 'time between evaluations', MIN_INTERVAL_MS),
    },
    pauseMs: checkedDuration(pause, 'analysis time', MIN_INTERVAL_MS),
  };
}

/**
 * With a Prometheus known and no gate given, asks whether and how to judge the candidate, then checks the answers
 * against Prometheus before anything is written (a failure is shown and the questions asked again). Returns the
 * session the gates are judged with, or undefined when the candidate is not judged by metrics.
 */
export async function askMetricGates(s: Session, svc: KnativeService): Promise<Session | undefined> {
  if (s.opts.gates) return undefined;
  const prometheus = knownPrometheus(s);
  if (prometheus === undefined) return undefined;
  const { io } = s.ctx;
  const c = io.colors();
  for (;;) {
    if (!(await s.ctx.prompter().confirm(ASK.judgeByMetrics, { default: true }))) return undefined;
    const answered = await askSettings(s, prometheus);
    const gated: Session = { ...s, opts: { ...s.opts, gates: answered.settings, pauseMs: answered.pauseMs } };
    try {
      await checkGates(gated, svc);
      io.err.write(`${c.successIcon} Prometheus answers; the gates will be judged after each split\n`);
      return gated;
    } catch (err) {
      if (!(err instanceof BgctlError) || err instanceof CancelError) throw err;
      io.err.write(c.fail(`${c.failIcon} ${printable(err.message)}`) + '\n');
      if (err.hint) io.err.write(c.muted(printable(`  ${err.hint}`)) + '\n');
    }
  }
}

/**
 * Judges the candidate at its traffic level (gates.ts judgeSplit) with the live view of the service above the
 * latest evaluation, both redrawn in one region on a terminal; elsewhere, judgeSplit's own lines.
 */
export async function judgeLive(s: Session, j: Journal, state: RolloutState): Promise<GateWindow> {
  const { io } = s.ctx;
  if (!io.isStderrTTY()) return judgeSplit(s, j, state);
  const settings = s.opts.gates as GateSettings;
  const client = await s.ctx.kube();
  const region = new LiveRegion(io.err, true, () => io.terminalHeight());
  const unicode = io.unicodeEnabled();
  const fit = (line: string) => cutToWidth(line, io.terminalWidth(), unicode ? '…' : '~');
  let view: LiveView | undefined;
  let gates = [`Gates: first evaluation in ${settings.intervalMs / 1000}s`];
  let drawing = true;
  const draw = () => {
    if (!drawing) return;
    const live = view
      ? renderLiveView(view, {
          colors: io.colors().enabled ? io.colors() : undefined,
          unicode,
          maxWidth: io.terminalWidth(),
          sparklineWidth: unicode ? HISTORY_SIZE : 0,
        })
      : [];
    region.show([...live, ...(live.length ? [''] : []), ...gates.map(fit)]);
  };
  const stop = new AbortController();
  // Started first: its note goes above the region.
  const judging = judgeSplit(s, j, state, (e) => {
    gates = evaluationTable(e, io).replace(/\n$/, '').split('\n');
    draw();
  });
  const viewing = followLiveView(client, {
    service: s.service,
    signal: AbortSignal.any([s.ctx.signal, stop.signal]),
    intervalMs: settings.intervalMs,
    prometheus: { url: settings.prometheus, token: settings.token },
    onView: (v) => {
      view = v;
      draw();
    },
  }).catch((err: unknown) => {
    // The view is an aid: losing it (the service deleted meanwhile) leaves the judgement to say what happens.
    view = undefined;
    gates = [...gates, printable(`Live view stopped: ${err instanceof Error ? err.message : String(err)}`)];
    draw();
  });
  try {
    return await judging;
  } finally {
    stop.abort();
    await viewing;
    drawing = false;
  }
}
