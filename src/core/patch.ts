// The write as a JSON Patch. Replacing metadata.resourceVersion first makes a concurrent write a 409 (re-plan),
// not the 422 a `test` op would give (which could not be told from a bad patch).
import type { KnativeService } from './knative-types.js';
import type { Plan, RevisionAnnotationChange } from './plan-types.js';

export type JsonPatchOp =
  { op: 'add' | 'replace' | 'test'; path: string; value: unknown } | { op: 'remove'; path: string };

/** RFC 6901 escaping of one path segment (`~` then `/`; annotation keys contain `/`). */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The Service patch for a plan, all in one request so the state never disagrees with the traffic. */
export function buildServicePatch(svc: KnativeService, plan: Plan): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  const body: JsonPatchOp[] = [];
  if (plan.template) body.push({ op: 'replace', path: '/spec/template', value: plan.template });
  if (plan.trafficChanged)
    body.push({ op: svc.spec.traffic === undefined ? 'add' : 'replace', path: '/spec/traffic', value: plan.desired });
  const entries = Object.entries(plan.annotations);
  const current = svc.metadata.annotations;
  if (entries.length) {
    if (current === undefined) {
      const value = Object.fromEntries(entries.filter(([, v]) => v !== null));
      if (Object.keys(value).length) body.push({ op: 'add', path: '/metadata/annotations', value });
    } else {
      for (const [k, v] of entries) {
        const path = `/metadata/annotations/${escapePointer(k)}`;
        // `remove` of a missing key fails the whole patch (422); only remove what is there.
        if (v === null) {
          if (k in current) body.push({ op: 'remove', path });
        } else body.push({ op: 'add', path, value: v });
      }
    }
  }
  if (body.length === 0) return ops;
  if (!svc.metadata.resourceVersion) throw new Error('internal: cannot guard a patch without metadata.resourceVersion');
  ops.push({ op: 'replace', path: '/metadata/resourceVersion', value: svc.metadata.resourceVersion }, ...body);
  return ops;
}

/** Merge patch (RFC 7386) for a Revision's annotations, as Knative's own labeler writes them; null removes. */
export function buildRevisionPatch(change: RevisionAnnotationChange): {
  metadata: { annotations: Record<string, string | null> };
} {
  return { metadata: { annotations: { ...change.annotations } } };
}
