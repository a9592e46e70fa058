// The pure part of `bgctl analyze`: which revisions to measure and in which role, and the Analysis document
// built from their measured values and the gates' verdicts (docs/cli.md, "Analysis").
import { document } from '../../core/document.js';
import { evaluateGates, type GateVerdict, type MeasuredRevision } from '../../core/gates/evaluate.js';
import type { GateSet } from '../../core/gates/file.js';
import type { PresetName } from '../../core/gates/presets.js';
import type { KnativeService } from '../../core/knative-types.js';
import { isInProgress, readState } from '../../core/state.js';
import { trafficRows } from '../../core/views/rows.js';

export type Role = 'stable' | 'candidate' | 'other';

export interface AnalyzedRevision {
  name: string;
  role: Role;
  /** Its share of the service's traffic, in percent. */
  percent: number;
  tags: string[];
}

/** A revision the gates judge: by the absolute gates, and by the relative ones against `against` when given. */
export interface Judged {
  name: string;
  against?: string;
}

export interface Roles {
  revisions: AnalyzedRevision[];
  stable?: string;
  /** The revisions the gates judge, in traffic order. */
  judged: Judged[];
  /** The candidate of the rollout in progress, when there is one. */
  rolloutCandidate?: string;
}

/**
 * Revisions with traffic or a tag, in traffic order. The stable revision is the rollout's stable one when a
 * rollout is in progress, else the one with the most traffic (the first on a tie). Judged: every revision with
 * traffic (the stable one by the absolute gates only, the others by every gate against the stable one) and the
 * rollout's candidate even at 0%. A revision with 0% and only a tag (e.g. `previous`) is shown, not judged.
 */
export function analysisRoles(svc: KnativeService): Roles {
  const byName = new Map<string, AnalyzedRevision>();
  const add = (name: string | undefined, percent = 0, tag?: string) => {
    if (!name) return;
    const row = byName.get(name) ?? { name, role: 'other' as Role, percent: 0, tags: [] };
    row.percent += percent;
    if (tag && !row.tags.includes(tag)) row.tags.push(tag);
    byName.set(name, row);
  };
  for (const t of trafficRows(svc)) {
    const name = t.revisionName ?? (t.latestRevision ? svc.status?.latestReadyRevisionName : undefined);
    if (t.percent > 0 || t.tag) add(name, t.percent, t.tag);
  }
  const state = readState(svc).state;
  let stable: string | undefined;
  let rolloutCandidate: string | undefined;
  if (state && isInProgress(state.phase) && state.candidate.revision) {
    stable = state.stable.revision;
    rolloutCandidate = state.candidate.revision;
    add(stable);
    add(rolloutCandidate);
  } else {
    stable = [...byName.values()]
      .filter((r) => r.percent > 0)
      .reduce<AnalyzedRevision | undefined>(
        (best, r) => (!best || r.percent > best.percent ? r : best),
        undefined,
      )?.name;
  }
  const judged: Judged[] = [];
  for (const r of byName.values()) {
    r.role = r.name === stable ? 'stable' : r.name === rolloutCandidate ? 'candidate' : 'other';
    if (r.name === stable) judged.push({ name: r.name });
    else if (r.percent > 0 || r.name === rolloutCandidate) judged.push({ name: r.name, against: stable });
  }
  return { revisions: [...byName.values()], stable, judged, rolloutCandidate };
}

/** A number as JSON can carry it: NaN, ±Inf and no data are null. */
const num = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);

export interface AnalysisInput {
  svc: KnativeService;
  roles: Roles;
  /** Measured values per revision, by measure name (built-in and custom). */
  values: ReadonlyMap<string, Record<string, number | undefined>>;
  gates: GateSet;
  preset: PresetName;
  requestSeries: string;
  prometheus: string;
  windowMs: number;
  at: Date;
}

export function analysisDocument(input: AnalysisInput) {
  const { roles, values, gates } = input;
  const measured = (name: string): MeasuredRevision => ({ revision: name, values: values.get(name) ?? {} });
  const absolute = gates.gates.filter((g) => g.threshold.kind === 'absolute');
  const verdicts: GateVerdict[] =
    gates.gates.length === 0
      ? []
      : roles.judged.flatMap(({ name, against }) =>
          evaluateGates({
            gates: against === undefined ? absolute : gates.gates,
            candidate: measured(name),
            stable: against === undefined ? undefined : measured(against),
            final: true,
            requestSeries: input.requestSeries,
          }),
        );
  // Gates given but nothing judged (no traffic anywhere, or only relative gates and nothing beside the stable
  // revision) is never a pass.
  const nothingJudged = gates.gates.length > 0 && verdicts.length === 0;
  const windowS = Math.max(1, Math.ceil(input.windowMs / 1000));
  const revisions = roles.revisions.map((r) => {
    const v = values.get(r.name) ?? {};
    const custom = Object.fromEntries(gates.queries.map((q) => [q.name, num(v[q.name])]));
    return {
      name: r.name,
      role: r.role,
      tags: r.tags,
      percent: r.percent,
      requests: num(v.requests === undefined ? undefined : Math.round(v.requests)),
      requestRate: num(v.requests === undefined ? undefined : v.requests / windowS),
      errorRate: num(v['error-rate']),
      latencyMs: { p50: num(v['latency-p50']), p95: num(v['latency-p95']), p99: num(v['latency-p99']) },
      ...(gates.queries.length > 0 && { custom }),
    };
  });
  return document('Analysis', {
    service: input.svc.metadata.name,
    namespace: input.svc.metadata.namespace,
    prometheus: input.prometheus,
    preset: input.preset,
    windowSeconds: windowS,
    at: input.at.toISOString(),
    stableRevision: roles.stable ?? null,
    ...(roles.rolloutCandidate && { rolloutCandidate: roles.rolloutCandidate }),
    revisions,
    gates: verdicts.map((g) => ({
      ...g,
      value: num(g.value),
      stableValue: num(g.stableValue),
      threshold: num(g.threshold),
    })),
    verdict:
      gates.gates.length === 0
        ? 'none'
        : !nothingJudged && verdicts.every((g) => g.verdict === 'pass')
          ? 'pass'
          : 'fail',
    ...(nothingJudged && {
      reason: 'InsufficientData',
      message:
        roles.judged.length === 0
          ? 'nothing was judged: no revision has traffic'
          : `nothing was judged: only relative gates, and no revision beside the stable one has traffic`,
    }),
  });
}

export type AnalysisDocument = ReturnType<typeof analysisDocument>;
