// The -o json|yaml documents of the step verbs: a TrafficPlan for --dry-run (nothing written) and a
// TrafficChange for a write (or a no-op). Traffic entries keep Knative's field names.
import type { KnativeService, TrafficTarget } from '../../core/knative-types.js';
import type { Plan } from '../../core/plan-types.js';
import { readState } from '../../core/state.js';
import { normalizeTraffic } from '../../core/traffic.js';
import { document, type BgctlDocument } from '../../core/document.js';
import type { StepOutcome } from './engine.js';

/** A target with Knative's field names in Knative's order and nothing undefined. */
function target(t: TrafficTarget): TrafficTarget {
  const out: TrafficTarget = {};
  if (t.tag) out.tag = t.tag;
  if (t.revisionName) out.revisionName = t.revisionName;
  out.latestRevision = t.latestRevision ?? !t.revisionName;
  out.percent = t.percent ?? 0;
  if (t.url) out.url = t.url;
  return out;
}

/** `kind: TrafficPlan`: what --dry-run (or --dry-run=server) would write. */
export function trafficPlanDocument(outcome: StepOutcome): BgctlDocument {
  const p: Plan = outcome.plan;
  const server = outcome.result === 'server-dry-run';
  return document('TrafficPlan', {
    service: p.service.name,
    namespace: p.service.namespace,
    action: p.kind,
    dryRun: true,
    dryRunMode: server ? 'server' : 'client',
    ...(server ? { serverAccepted: true } : {}),
    noop: p.noop,
    before: p.before.map(target),
    desired: p.desired.map(target),
    diff: p.diff,
    ...(p.template ? { template: p.template, templateDiff: p.templateDiff ?? [] } : {}),
    annotations: p.annotations,
    revisionAnnotations: p.revisionAnnotations,
    deleteRevisions: p.deleteRevisions,
    rollout: p.state ?? null,
    warnings: p.warnings,
    notices: p.notices,
  });
}

/** `kind: TrafficChange`: the outcome of a write; `traffic` is what Knative routes (status, with URLs). */
export function trafficChangeDocument(outcome: StepOutcome): BgctlDocument {
  const p = outcome.plan;
  const svc: KnativeService = outcome.service;
  return document('TrafficChange', {
    service: svc.metadata.name,
    namespace: svc.metadata.namespace,
    action: p.kind,
    result: outcome.result,
    changed: outcome.result === 'applied',
    waited: outcome.waited,
    before: p.before.map(target),
    after: normalizeTraffic(svc.spec.traffic).map(target),
    traffic: (svc.status?.traffic ?? []).map(target),
    url: svc.status?.url,
    latestCreatedRevisionName: svc.status?.latestCreatedRevisionName,
    latestReadyRevisionName: svc.status?.latestReadyRevisionName,
    ...(outcome.newRevision ? { newRevision: outcome.newRevision } : {}),
    deletedRevisions: outcome.deleted,
    rollout: readState(svc).state ?? null,
    warnings: p.warnings,
    notices: p.notices,
    attempts: outcome.attempts,
  });
}
