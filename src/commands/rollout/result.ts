// The RolloutResult document (-o json|yaml) and its table form: phase, roles with their tag URLs,
// traffic as Knative serves it, the steps this run took and its verification results.
import type { KnativeService } from '../../core/knative-types.js';
import { readState } from '../../core/state.js';
import { deriveRollout } from '../../core/views/rollout-status.js';
import { tagUrl, trafficRows } from '../../core/views/rows.js';
import { document } from '../../core/document.js';
import { writeDocument } from '../../ui/document.js';
import { printTraffic } from '../../ui/traffic-table.js';
import { printable } from '../../ui/sanitize.js';
import { normalizeTraffic } from '../../core/traffic.js';
import { readinessOf } from '../traffic-step/show.js';
import type { Journal, Session } from './session.js';
import type { GateVerdict } from '../../core/gates/evaluate.js';
import type { GateWindow } from '../gates/window.js';

/** The document for the service as it is now and the steps of this run (its journal). */
export function rolloutResult(
  j: Journal,
  svc: KnativeService,
  outcome: 'completed' | 'paused' | 'failed' | 'cancelled' | 'dry-run',
) {
  const st = readState(svc).state;
  const view = deriveRollout(svc);
  const role = (r: { revision?: string; tag: string } | undefined) =>
    r
      ? {
          ...(r.revision ? { revisionName: r.revision } : {}),
          tag: r.tag,
          ...(tagUrl(svc, r.tag) ? { url: tagUrl(svc, r.tag) } : {}),
        }
      : undefined;
  return document('RolloutResult', {
    service: svc.metadata.name,
    namespace: svc.metadata.namespace,
    outcome,
    phase: view.phase,
    rolloutId: st?.id,
    stable: role(st?.stable),
    candidate: role(st?.candidate),
    ...(st?.previousTag ? { previous: role({ revision: st.stable.revision, tag: st.previousTag }) } : {}),
    percent: st?.percent,
    percents: st?.percents,
    next: view.next,
    url: svc.status?.url,
    traffic: trafficRows(svc),
    steps: j.steps,
    verification: j.verification.map((v) => v.result),
    ...(j.gateWindows.length > 0 && { analysis: j.gateWindows.map(windowDocument) }),
  });
}

/** A number as JSON can carry it: NaN, ±Inf and no data are null. */
const num = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);

/** One analysis window of the run: where, how often, the verdict and the deciding evaluation's values. */
function windowDocument(w: GateWindow) {
  const verdict = (g: GateVerdict) => ({
    ...g,
    value: num(g.value),
    stableValue: num(g.stableValue),
    threshold: num(g.threshold),
  });
  return {
    percent: w.percent,
    candidate: w.candidate,
    ...(w.stable && { stable: w.stable }),
    preset: w.preset,
    since: w.since,
    evaluations: w.evaluations,
    queriesPerEvaluation: w.queriesPerEvaluation,
    verdict: w.verdict,
    gates: w.verdicts.map(verdict),
    failing: w.failing.map(verdict),
  };
}

/** Prints the result: the document with -o json|yaml, else the traffic table and URLs on stdout. */
export async function printResult(
  s: Session,
  j: Journal,
  svc: KnativeService,
  outcome: Parameters<typeof rolloutResult>[2],
): Promise<void> {
  const { io, globals } = s.ctx;
  const doc = rolloutResult(j, svc, outcome);
  if (globals.output !== 'table') {
    writeDocument(io, globals.output, doc);
    return;
  }
  // The last step's revisions when the document shows the service that step left; else a list.
  const revisions = j.revisionsOf(svc) ?? (await (await s.ctx.kube()).listRevisions(svc.metadata.name).catch(() => []));
  printTraffic(io, svc.status?.traffic?.length ? svc.status.traffic : normalizeTraffic(svc.spec.traffic), {
    readiness: readinessOf(revisions),
    latestRevisionName: svc.status?.latestReadyRevisionName,
  });
  const lines = [`Rollout:   ${doc.rolloutId ?? '-'} ${doc.phase}`];
  if (doc.url) lines.push(`URL:       ${doc.url}`);
  for (const [label, r] of [
    ['Stable', doc.stable],
    ['Candidate', doc.candidate],
    ['Previous', (doc as { previous?: typeof doc.stable }).previous],
  ] as const) {
    if (r?.url) lines.push(`${`${label}:`.padEnd(11)}${r.url} (${r.revisionName ?? '-'}, tag ${r.tag})`);
  }
  for (const w of j.gateWindows) {
    const where = w.percent > 0 ? `at ${w.percent}%` : 'on synthetic load';
    lines.push(`Gates:     ${w.verdict} ${where} (${w.evaluations} evaluation${w.evaluations === 1 ? '' : 's'})`);
  }
  io.out.write(lines.map(printable).join('\n') + '\n');
}
