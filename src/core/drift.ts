// Traffic someone else changed since bgctl recorded its rollout: what, who (the spec.traffic field manager), when.
import { ConflictError } from './errors.js';
import type { KnativeService } from './knative-types.js';
import { decodeState, encodeState, isInProgress, type RolloutState } from './state.js';
import { isFloating, normalizeTraffic, percentOf, routedShares } from './traffic.js';
import { isObject } from './validate-object.js';

/** Differences between the recorded state and spec.traffic, empty when they agree. */
export function detectDrift(svc: KnativeService, state: RolloutState): string[] {
  if (!isInProgress(state.phase) && state.phase !== 'promoted') return [];
  const traffic = normalizeTraffic(svc.spec.traffic);
  const out: string[] = [];
  if (traffic.some((t) => isFloating(t) && (t.percent ?? 0) > 0))
    out.push('a floating latestRevision target carries traffic');
  const cand = state.candidate.revision;
  if (state.phase !== 'deployed' && cand) {
    const got = percentOf(traffic, cand);
    if (got !== state.percent) out.push(`candidate "${cand}" has ${got}%, the rollout recorded ${state.percent}%`);
  }
  if (state.routing) {
    // Every other revision's percent, as bgctl's last traffic write left it.
    const now = routedShares(traffic);
    for (const rev of [...new Set([...Object.keys(state.routing), ...Object.keys(now)])].sort()) {
      if (rev === '@latest' || (rev === cand && state.phase !== 'deployed')) continue;
      const [was, is] = [state.routing[rev] ?? 0, now[rev] ?? 0];
      if (was !== is) out.push(`revision "${rev}" has ${is}%, bgctl left it ${was}%`);
    }
  } else if (state.phase === 'deployed' && percentOf(traffic, state.stable.revision) === 0) {
    out.push(`stable revision "${state.stable.revision}" has no traffic`);
  }
  if (state.phase === 'deployed' || !cand) return out;
  const tagged = (tag: string | undefined, rev: string) => traffic.some((t) => t.tag === tag && t.revisionName === rev);
  if (!tagged(state.candidate.tag, cand)) out.push(`tag "${state.candidate.tag}" no longer routes to "${cand}"`);
  if (state.phase !== 'promoted' && !tagged(state.stable.tag, state.stable.revision))
    out.push(`tag "${state.stable.tag}" no longer routes to "${state.stable.revision}"`);
  return out;
}

/** spec.traffic as one string (normalized): what a take-over adopts, compared again before the step that adopts it. */
export function trafficKey(svc: KnativeService): string {
  return JSON.stringify(normalizeTraffic(svc.spec.traffic));
}

/** The last writer of a field, from metadata.managedFields. */
export interface FieldWriter {
  manager: string;
  operation?: string;
  time?: string;
}

interface ManagedEntry {
  manager?: unknown;
  operation?: unknown;
  time?: unknown;
  subresource?: unknown;
  fieldsV1?: unknown;
}

/** The manager of `.spec.traffic` (an atomic list: the last writer owns it whole; the latest entry wins). */
export function trafficWriter(svc: KnativeService): FieldWriter | undefined {
  return writerOf(svc, (fields) => {
    const spec = fields['f:spec'];
    return isObject(spec) && 'f:traffic' in spec;
  });
}

/** The most recent managedFields entry (status updates aside) whose fields pass `owns`. */
function writerOf(svc: KnativeService, owns: (fields: Record<string, unknown>) => boolean): FieldWriter | undefined {
  const entries = svc.metadata.managedFields;
  if (!Array.isArray(entries)) return undefined;
  let best: FieldWriter | undefined;
  for (const e of entries as ManagedEntry[]) {
    if (
      !isObject(e) ||
      typeof e.manager !== 'string' ||
      e.subresource === 'status' ||
      !isObject(e.fieldsV1) ||
      !owns(e.fieldsV1)
    )
      continue;
    const time = typeof e.time === 'string' ? e.time : undefined;
    if (!best || (time ?? '') > (best.time ?? '')) {
      best = {
        manager: e.manager,
        ...(typeof e.operation === 'string' ? { operation: e.operation } : {}),
        ...(time ? { time } : {}),
      };
    }
  }
  return best;
}

/** Whoever wrote the object last (any field), from metadata.managedFields. */
export function latestWriter(svc: KnativeService): FieldWriter | undefined {
  return writerOf(svc, () => true);
}

/** "by kubectl-patch at 2026-12-07T09:40:00Z", or what is known of it. */
export function describeWriter(w: FieldWriter | undefined): string {
  if (!w) return 'by an unknown writer (the server records no field manager for spec.traffic)';
  return `by ${w.manager}${w.time ? ` at ${w.time}` : ''}`;
}

/** A ConflictError (what, who, when) if an open rollout's traffic no longer matches its record; else undefined. */
export function driftError(svc: KnativeService, state: RolloutState, action: string): ConflictError | undefined {
  const drift = detectDrift(svc, state);
  if (!drift.length) return undefined;
  const name = svc.metadata.name;
  return new ConflictError(
    `will not ${action}: the traffic of service "${name}" was changed ${describeWriter(trafficWriter(svc))} ` +
      `after bgctl recorded rollout ${state.id} (${state.phase}): ${drift.join('; ')}`,
    {
      reason: 'Drift',
      hint:
        `the traffic stays as it was set; see it with bgctl status ${name}. ` +
        `Keep it and close the rollout with bgctl rollout ${name} --abort --yes, ` +
        'or continue the rollout from it with --take-over',
    },
  );
}

/** Another actor replaced or closed the rollout this process drives: exit 5 saying who and when. */
export function rolloutReplacedError(
  svc: KnativeService,
  mine: RolloutState,
  now: RolloutState | undefined,
): ConflictError {
  const name = svc.metadata.name;
  const what = !now
    ? `its rollout record was removed (the service was last written ${describeWriter(latestWriter(svc))})`
    : now.id !== mine.id
      ? `rollout ${mine.id} was replaced by rollout ${now.id} (${now.phase}), ` +
        `started by ${now.startedBy} at ${now.startedAt}`
      : `rollout ${mine.id} was moved from ${mine.phase} to ${now.phase} ` +
        `by ${now.updatedBy} at ${now.updatedAt}${now.reason ? ` (${now.reason})` : ''}`;
  return new ConflictError(`stopped: while this run waited, ${what} on service "${name}"`, {
    reason: 'RolloutChanged',
    hint: `nothing was written after that change; see bgctl status ${name} and bgctl history ${name}`,
  });
}

/** Same record as stored: compared through the annotation encoding, so key order and dropped fields do not count. */
export function sameRecord(a: RolloutState | undefined, b: RolloutState | undefined): boolean {
  const canonical = (st: RolloutState | undefined) => (st ? encodeState(decodeState(encodeState(st))) : '');
  return canonical(a) === canonical(b);
}
