// The rollout record bgctl keeps in bgctl.dev/ annotations on the Service (no controller, no CRD): annotations
// create no revision and travel in the same patch as the traffic they describe.
import type { KnativeService } from './knative-types.js';
import { RefusedError } from './errors.js';
import { dns1035Problems } from './names.js';
import { isFleetId } from './fleet.js';

export const StateAnnotations = {
  /** JSON of the current (or last) rollout: the source of truth. */
  rollout: 'bgctl.dev/rollout',
  /** Plain copy of the phase, for `kubectl get -o jsonpath` and humans. */
  phase: 'bgctl.dev/phase',
  /** JSON array of past rollouts, newest first. */
  history: 'bgctl.dev/history',
} as const;

/** Bound on bgctl.dev/history entries (annotations share a 256 KiB budget per object). */
export const HISTORY_LIMIT = 10;

/** Bounds on a record's free text, in JSON bytes (a control character counts 6); longer values end in "…". */
export const FIELD_LIMITS = { actor: 256, reason: 1024, image: 1024 } as const;
/** Upper bound on bgctl.dev/rollout in bytes (names are DNS labels, routing ≤ 100 revisions of ≥ 1%). */
export const RECORD_BUDGET = 12 * 1024;
/** Bound on the bgctl.dev/history value in bytes: oldest entries are dropped first to stay within it. */
export const HISTORY_BUDGET = 64 * 1024;

const ELLIPSIS = '…';
const utf8 = new TextEncoder();

function jsonBytes(s: string): number {
  return utf8.encode(JSON.stringify(s)).length - 2;
}

/** s, or its longest prefix (whole code points) plus "…" that fits in `limit` JSON bytes. */
export function boundText(s: string, limit: number): string {
  if (jsonBytes(s) <= limit) return s;
  const room = limit - jsonBytes(ELLIPSIS);
  let used = 0;
  let out = '';
  for (const ch of s) {
    const n = jsonBytes(ch);
    if (used + n > room) break;
    used += n;
    out += ch;
  }
  return out + ELLIPSIS;
}

/** The state with its free-text fields within FIELD_LIMITS (applied when recording, never when reading). */
export function boundState(st: RolloutState): RolloutState {
  const out: RolloutState = {
    ...st,
    startedBy: boundText(st.startedBy, FIELD_LIMITS.actor),
    updatedBy: boundText(st.updatedBy, FIELD_LIMITS.actor),
  };
  if (st.image !== undefined) out.image = boundText(st.image, FIELD_LIMITS.image);
  if (st.reason !== undefined) out.reason = boundText(st.reason, FIELD_LIMITS.reason);
  return out;
}

export const ROLLOUT_PHASES = [
  'deployed',
  'staged',
  'verified',
  'split',
  'promoted',
  'rolled-back',
  'aborted',
] as const;
/** Where a rollout is; the last three close it. */
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];

/** One rollout: the roles, the tags bgctl created for them, the step plan, who and when. */
export interface RolloutState {
  id: string;
  phase: RolloutPhase;
  /** The revision that served before the rollout, and the tag bgctl gives it. */
  stable: { revision: string; tag: string };
  /** The new revision (unknown between deploy and stage) and its tag. */
  candidate: { revision?: string; tag: string };
  /** Tag left on the old stable revision after promote (absent with --retire). */
  previousTag?: string;
  /** The candidate's traffic levels planned (`--percents`), e.g. [10, 50]. */
  percents: number[];
  /** Index in `percents` of the last level applied (-1: none yet). */
  levelIndex: number;
  percent: number;
  /** Image the deploy asked for, when bgctl deployed it. */
  image?: string;
  startedBy: string;
  startedAt: string;
  updatedBy: string;
  updatedAt: string;
  /** Why it ended (aborted/rolled-back), or an open rollout's last setback (a failed verification undid `verified`). */
  reason?: string;
  /** Percent per revision (`@latest`: floating) as bgctl's last traffic write left it; else it drifted. */
  routing?: Record<string, number>;
  /** The metric gates' last verdict in this rollout; a failure's values are in `reason`. */
  gates?: GatesRecord;
  /** The fleet rollout this rollout is part of (`bgctl rollout --context a,b` / `-l`): `--resume` finds it by this. */
  fleet?: string;
}

export interface GatesRecord {
  verdict: 'pass' | 'fail';
  /** Evaluations behind the verdict (in the analysis window that decided it). */
  evaluations: number;
}

/** True while a rollout is open: a second bgctl must not start another one without taking over. */
export function isInProgress(phase: RolloutPhase): boolean {
  return phase === 'deployed' || phase === 'staged' || phase === 'verified' || phase === 'split';
}

/** Result of reading the state: garbage is reported, never thrown at read time, so `status` still works. */
export interface StateRead {
  state?: RolloutState;
  history: RolloutState[];
  error?: RefusedError;
  /** Set when bgctl.dev/history is unreadable (it is then treated as empty). */
  historyError?: string;
}

function invalid(svcName: string, key: string, detail: string): RefusedError {
  return new RefusedError(`annotation ${key} on service "${svcName}" is not valid: ${detail}`, {
    reason: 'InvalidRolloutState',
    hint:
      `inspect it with: kubectl get ksvc ${svcName} -o jsonpath='{.metadata.annotations}'; ` +
      `remove it with: kubectl annotate ksvc ${svcName} ${key}- (or pass --take-over to start afresh)`,
  });
}

const isStr = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Problems with a decoded value, empty when it is a valid RolloutState. */
export function stateProblems(v: unknown): string[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return ['expected a JSON object'];
  const s = v as Record<string, any>;
  const p: string[] = [];
  if (s.v !== 1) p.push(`unsupported version ${JSON.stringify(s.v)} (want 1)`);
  if (!isStr(s.id)) p.push('id: must be a non-empty string');
  if (!ROLLOUT_PHASES.includes(s.phase)) p.push(`phase: must be one of ${ROLLOUT_PHASES.join(', ')}`);
  const role = (name: string, needRevision: boolean) => {
    const r = s[name];
    if (typeof r !== 'object' || r === null) return p.push(`${name}: must be an object`);
    if (needRevision || r.revision !== undefined) {
      if (!isStr(r.revision) || dns1035Problems(r.revision).length) p.push(`${name}.revision: must be a revision name`);
    }
    if (!isStr(r.tag) || dns1035Problems(r.tag).length) p.push(`${name}.tag: must be a DNS-1035 label`);
  };
  role('stable', true);
  role('candidate', false);
  if (s.previousTag !== undefined && (!isStr(s.previousTag) || dns1035Problems(s.previousTag).length))
    p.push('previousTag: must be a DNS-1035 label');
  const { percents, levelIndex } = levels(s);
  if (
    !Array.isArray(percents) ||
    !percents.every((n: unknown, i: number) => isInt(n) && n >= 1 && n <= 100 && (i === 0 || n > percents[i - 1]))
  ) {
    p.push('percents: must be increasing whole percents');
  } else if (!isInt(levelIndex) || levelIndex < -1 || levelIndex >= Math.max(percents.length, 1))
    p.push('levelIndex: out of range');
  if (!isInt(s.percent) || s.percent < 0 || s.percent > 100) p.push('percent: must be a whole number 0..100');
  for (const k of ['startedBy', 'startedAt', 'updatedBy', 'updatedAt'])
    if (!isStr(s[k])) p.push(`${k}: must be a non-empty string`);
  for (const k of ['image', 'reason'])
    if (s[k] !== undefined && typeof s[k] !== 'string') p.push(`${k}: must be a string`);
  if (s.gates !== undefined && !validGates(s.gates)) p.push('gates: must be {verdict: pass|fail, evaluations}');
  if (s.fleet !== undefined && !isFleetId(s.fleet)) p.push('fleet: must be a fleet id (fleet-<14 digits>-<hex>)');
  if (s.routing !== undefined && !validRouting(s.routing))
    p.push('routing: must map revision names to whole percents 1..100');
  return p;
}

/** The traffic levels of a decoded record; records from before the rename carry `steps` and `step`. */
function levels(s: Record<string, any>): { percents: any; levelIndex: any } {
  return 'percents' in s || 'levelIndex' in s
    ? { percents: s.percents, levelIndex: s.levelIndex }
    : { percents: s.steps, levelIndex: s.step };
}

function validGates(v: any): boolean {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v.verdict === 'pass' || v.verdict === 'fail') &&
    isInt(v.evaluations) &&
    v.evaluations >= 0 &&
    Object.keys(v).length === 2
  );
}

function validRouting(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.entries(v).every(
    ([k, n]) => (k === '@latest' || dns1035Problems(k).length === 0) && isInt(n) && n >= 1 && n <= 100,
  );
}

function fromJson(raw: Record<string, any>): RolloutState {
  const st: RolloutState = {
    id: raw.id,
    phase: raw.phase,
    stable: { revision: raw.stable.revision, tag: raw.stable.tag },
    candidate: raw.candidate.revision
      ? { revision: raw.candidate.revision, tag: raw.candidate.tag }
      : { tag: raw.candidate.tag },
    percents: [...levels(raw).percents],
    levelIndex: levels(raw).levelIndex,
    percent: raw.percent,
    startedBy: raw.startedBy,
    startedAt: raw.startedAt,
    updatedBy: raw.updatedBy,
    updatedAt: raw.updatedAt,
  };
  if (raw.previousTag) st.previousTag = raw.previousTag;
  if (raw.image !== undefined) st.image = raw.image;
  if (raw.reason !== undefined) st.reason = raw.reason;
  if (raw.routing !== undefined) st.routing = { ...raw.routing };
  if (raw.gates !== undefined) st.gates = { verdict: raw.gates.verdict, evaluations: raw.gates.evaluations };
  if (raw.fleet !== undefined) st.fleet = raw.fleet;
  return st;
}

/** The annotation value for a state (versioned JSON, fixed key order), free text bounded. */
export function encodeState(state: RolloutState): string {
  return JSON.stringify({ v: 1, ...boundState(state) });
}

/** Parses one annotation value; throws RefusedError (InvalidRolloutState) on garbage. */
export function decodeState(raw: string, svcName = 'unknown'): RolloutState {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw invalid(svcName, StateAnnotations.rollout, `not JSON (${(err as Error).message})`);
  }
  const problems = stateProblems(v);
  if (problems.length) throw invalid(svcName, StateAnnotations.rollout, problems.join('; '));
  return fromJson(v as Record<string, any>);
}

/** The history annotation value: at most HISTORY_LIMIT entries and HISTORY_BUDGET bytes, newest kept. */
export function encodeHistory(history: RolloutState[]): string {
  // The routing only serves the open rollout's drift check: past rollouts go without it.
  const entries = history.slice(0, HISTORY_LIMIT).map(({ routing: _routing, ...past }) => encodeState(past));
  const size = () => utf8.encode(`[${entries.join(',')}]`).length;
  while (entries.length > 0 && size() > HISTORY_BUDGET) entries.pop();
  return `[${entries.join(',')}]`;
}

/** Parses bgctl.dev/history; throws RefusedError on garbage (entries are validated one by one). */
export function decodeHistory(raw: string, svcName = 'unknown'): RolloutState[] {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw invalid(svcName, StateAnnotations.history, `not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(v)) throw invalid(svcName, StateAnnotations.history, 'expected a JSON array');
  return v.map((item, i) => {
    const problems = stateProblems(item);
    if (problems.length) throw invalid(svcName, StateAnnotations.history, `entry ${i}: ${problems.join('; ')}`);
    return fromJson(item);
  });
}

/** Reads both annotations from a Service without throwing. */
export function readState(svc: KnativeService): StateRead {
  const ann = svc.metadata.annotations ?? {};
  const out: StateRead = { history: [] };
  const raw = ann[StateAnnotations.rollout];
  if (raw !== undefined) {
    try {
      out.state = decodeState(raw, svc.metadata.name);
    } catch (err) {
      out.error = err as RefusedError;
    }
  }
  const hist = ann[StateAnnotations.history];
  if (hist !== undefined) {
    try {
      out.history = decodeHistory(hist, svc.metadata.name);
    } catch (err) {
      out.historyError = (err as Error).message;
    }
  }
  return out;
}

/** History with `state` recorded: an entry with the same id is replaced, else prepended; bounded. */
export function recordHistory(history: RolloutState[], state: RolloutState): RolloutState[] {
  return [state, ...history.filter((h) => h.id !== state.id)].slice(0, HISTORY_LIMIT);
}

/** Same rollout record, ignoring who touched it last and when (so a repeat step writes nothing). */
export function sameRollout(a: RolloutState | undefined, b: RolloutState | undefined): boolean {
  const strip = (st: RolloutState | undefined) => (st ? JSON.stringify({ ...st, updatedAt: '', updatedBy: '' }) : '');
  return strip(a) === strip(b);
}

/** A rollout id from the clock string the caller passes in (no clock, no randomness in core). */
export function newRolloutId(now: string, service: string): string {
  const stamp = now.replace(/[^0-9]/g, '').slice(0, 14);
  return `${service}-${stamp || 'x'}`;
}
