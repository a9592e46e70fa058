// The simulator's revision behaviour knobs: template annotations, so each value is a new revision.
import { parseGoDuration } from './admission/go-duration.js';
import { KNOB } from './constants.js';

/** How a simulated revision behaves, read from its annotations. */
export interface RevisionKnobs {
  readyAfterMs: number;
  fail?: { reason: 'ContainerMissing' } | { reason: string; exitCode: number };
  latencyMs: number;
  errorRate: number;
}

/** How long a revision deploys when it has no `ready-after` knob. */
export const DEFAULT_READY_AFTER_MS = 300;

/** Milliseconds of a Go duration string, or undefined when it does not parse or is negative. */
export function durationMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ns = parseGoDuration(value.trim());
  if (ns === undefined || ns < 0n) return undefined;
  return Number(ns / 1000n) / 1000;
}

/** Knobs of one revision; bad values fall back to the defaults rather than failing the revision. */
export function knobsOf(
  annotations: Record<string, string> | undefined,
  defaultReadyAfterMs = DEFAULT_READY_AFTER_MS,
): RevisionKnobs {
  const a = annotations ?? {};
  const rate = Number(a[KNOB.errorRate]);
  const knobs: RevisionKnobs = {
    readyAfterMs: durationMs(a[KNOB.readyAfter]) ?? defaultReadyAfterMs,
    latencyMs: durationMs(a[KNOB.latency]) ?? 0,
    errorRate: a[KNOB.errorRate] !== undefined && Number.isFinite(rate) ? Math.min(1, Math.max(0, rate)) : 0,
  };
  const fail = a[KNOB.fail]?.trim();
  if (fail === 'ContainerMissing') knobs.fail = { reason: 'ContainerMissing' };
  else if (fail && /^ExitCode\d+$/.test(fail))
    knobs.fail = { reason: fail, exitCode: Number(fail.slice('ExitCode'.length)) };
  return knobs;
}
