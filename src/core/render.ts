// --render: the Service manifest with a plan applied, for the Git repository a GitOps controller applies from. What
// the server owns (status, identity, bookkeeping) is left out, so `kubectl apply` of it is an ordinary update;
// bgctl's own bgctl.dev/ annotations stay, so the next bgctl step finds its rollout record after the sync.
import type { KnativeService } from './knative-types.js';
import type { Plan } from './plan-types.js';

/** Metadata the API server (or Knative's webhook, or kubectl) writes, never a manifest in Git. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
] as const;

/** Annotations that describe the live object, not the desired one: kubectl's last apply and Knative's audit pair. */
const SERVER_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'serving.knative.dev/creator',
  'serving.knative.dev/lastModifier',
];

/** The manifest of `svc` as the plan would leave it, without status and server-owned metadata. */
export function renderManifest(svc: KnativeService, plan: Plan): KnativeService {
  const copy = structuredClone(svc);
  const metadata = { ...copy.metadata };
  for (const key of SERVER_METADATA) delete metadata[key];
  const annotations: Record<string, string> = { ...(metadata.annotations ?? {}) };
  for (const key of SERVER_ANNOTATIONS) delete annotations[key];
  for (const [k, v] of Object.entries(plan.annotations)) {
    if (v === null) delete annotations[k];
    else annotations[k] = v;
  }
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  const spec = { ...copy.spec };
  if (plan.template) spec.template = structuredClone(plan.template);
  if (plan.trafficChanged || spec.traffic !== undefined) spec.traffic = structuredClone(plan.desired);
  const out: KnativeService = { apiVersion: copy.apiVersion, kind: copy.kind, metadata, spec };
  return out;
}

/** What a rendered manifest cannot carry: the plan's writes to Revisions (annotations, deletes), one line each. */
export function unrenderedChanges(plan: Plan): string[] {
  const lines: string[] = [];
  for (const r of plan.revisionAnnotations) {
    for (const [k, v] of Object.entries(r.annotations))
      lines.push(
        v === null ? `remove annotation ${k} of revision ${r.revision}` : `annotate revision ${r.revision} ${k}=${v}`,
      );
  }
  for (const d of plan.deleteRevisions) lines.push(`delete revision ${d}`);
  return lines;
}
