// Builders for core tests: Services and Revisions shaped like what the cluster returns, and a small
// RFC 6902 applier so tests check the patch bgctl would send, not only the plan.
import type { KnativeService, Revision, TrafficTarget } from '../../src/core/knative-types.js';
import type { JsonPatchOp } from '../../src/core/patch.js';
import type { PlanContext } from '../../src/core/plan-types.js';
import { StateAnnotations, encodeHistory, encodeState, type RolloutState } from '../../src/core/state.js';

export const ctx: PlanContext = { now: '2026-11-26T12:00:00Z', actor: 'alice' };
export const later: PlanContext = { now: '2026-11-26T12:05:00Z', actor: 'bob' };

export interface SvcOpts {
  name?: string;
  traffic?: TrafficTarget[];
  latestCreated?: string;
  latestReady?: string;
  image?: string;
  annotations?: Record<string, string>;
  state?: RolloutState;
  history?: RolloutState[];
  rv?: string;
  env?: Array<{ name: string; value: string }>;
}

/** A ksvc `hello` in `default`, pinned or not as the traffic says. */
export function svc(o: SvcOpts = {}): KnativeService {
  const name = o.name ?? 'hello';
  const annotations: Record<string, string> = { 'serving.knative.dev/creator': 'alice', ...(o.annotations ?? {}) };
  if (o.state) {
    annotations[StateAnnotations.rollout] = encodeState(o.state);
    annotations[StateAnnotations.phase] = o.state.phase;
  }
  if (o.history) annotations[StateAnnotations.history] = encodeHistory(o.history);
  const traffic = o.traffic ?? [{ latestRevision: true, percent: 100 }];
  const latestReady = o.latestReady ?? `${name}-00001`;
  const container: any = { name: 'user-container', image: o.image ?? 'img:v1' };
  if (o.env) container.env = o.env;
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', resourceVersion: o.rv ?? '100', generation: 1, annotations },
    spec: { template: { spec: { containers: [container] } }, traffic },
    status: {
      observedGeneration: 1,
      conditions: [{ type: 'Ready', status: 'True' }],
      latestCreatedRevisionName: o.latestCreated ?? latestReady,
      latestReadyRevisionName: latestReady,
      url: `http://${name}.default.example.com`,
      traffic: traffic.map((t) => ({
        ...t,
        revisionName: t.revisionName ?? latestReady,
        ...(t.tag ? { url: `http://${t.tag}-${name}.default.example.com` } : {}),
      })),
    },
  };
}

/** A revision of `hello` (or `service`), Ready unless told otherwise. */
export function rev(
  name: string,
  o: {
    service?: string | null;
    ready?: 'True' | 'False' | 'Unknown';
    message?: string;
    reason?: string;
    noGc?: boolean;
    rollbackTag?: string;
    gen?: number;
  } = {},
): Revision {
  const labels: Record<string, string> = { 'serving.knative.dev/configuration': o.service ?? 'hello' };
  if (o.service !== null) labels['serving.knative.dev/service'] = o.service ?? 'hello';
  const gen = o.gen ?? Number(name.slice(-5));
  if (Number.isFinite(gen)) labels['serving.knative.dev/configurationGeneration'] = String(gen);
  const annotations: Record<string, string> = {};
  if (o.noGc) annotations['serving.knative.dev/no-gc'] = 'true';
  // bgctl's mark on a no-gc it set (core/rollback-target.ts).
  if (o.rollbackTag) annotations['bgctl.dev/rollback-tag'] = o.rollbackTag;
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Revision',
    metadata: { name, namespace: 'default', labels, annotations, creationTimestamp: `2026-11-26T10:0${gen % 10}:00Z` },
    spec: { containers: [{ image: 'img' }] },
    status: {
      conditions: [
        {
          type: 'Ready',
          status: o.ready ?? 'True',
          ...(o.reason ? { reason: o.reason } : {}),
          ...(o.message ? { message: o.message } : {}),
        },
      ],
    },
  };
}

/** Revisions hello-00001..n, all Ready. */
export function revs(n: number): Revision[] {
  return Array.from({ length: n }, (_, i) => rev(`hello-${String(i + 1).padStart(5, '0')}`));
}

/** A rollout state with sensible defaults. */
export function state(o: Partial<RolloutState> = {}): RolloutState {
  return {
    id: 'hello-1',
    phase: 'staged',
    stable: { revision: 'hello-00001', tag: 'stable' },
    candidate: { revision: 'hello-00002', tag: 'candidate' },
    percents: [],
    levelIndex: -1,
    percent: 0,
    startedBy: 'alice',
    startedAt: '2026-11-26T11:00:00Z',
    updatedBy: 'alice',
    updatedAt: '2026-11-26T11:00:00Z',
    ...o,
  };
}

function unescape(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Applies RFC 6902 ops to a copy; throws like a server would answer 422. */
export function applyJsonPatch<T>(doc: T, ops: JsonPatchOp[]): T {
  const out: any = structuredClone(doc);
  for (const op of ops) {
    const segs = op.path.split('/').slice(1).map(unescape);
    const last = segs.pop() as string;
    let parent = out;
    for (const s of segs) {
      if (parent[s] === undefined) throw new Error(`422: path ${op.path} does not exist`);
      parent = parent[s];
    }
    if (op.op === 'add') parent[last] = structuredClone(op.value);
    else if (op.op === 'replace') {
      if (!(last in parent)) throw new Error(`422: replace of missing ${op.path}`);
      parent[last] = structuredClone(op.value);
    } else if (op.op === 'remove') {
      if (!(last in parent)) throw new Error(`422: remove of missing ${op.path}`);
      delete parent[last];
    } else if (JSON.stringify(parent[last]) !== JSON.stringify(op.value))
      throw new Error(`422: test failed at ${op.path}`);
  }
  return out;
}

/** What the cluster would hold after the patch: new RV, status.traffic following spec (URLs for tags). */
export function written(
  before: KnativeService,
  ops: JsonPatchOp[],
  opts: { newRevision?: string } = {},
): KnativeService {
  const rvOp = ops[0];
  if (!rvOp || rvOp.path !== '/metadata/resourceVersion' || (rvOp as any).value !== before.metadata.resourceVersion)
    throw new Error('409: stale resourceVersion');
  const next = applyJsonPatch(before, ops);
  next.metadata.resourceVersion = String(Number(before.metadata.resourceVersion) + 1);
  if (opts.newRevision) {
    next.status!.latestCreatedRevisionName = opts.newRevision;
    next.status!.latestReadyRevisionName = opts.newRevision;
  }
  const ready = next.status!.latestReadyRevisionName;
  next.status!.traffic = (next.spec.traffic ?? []).map((t) => ({
    ...t,
    revisionName: t.revisionName ?? ready,
    ...(t.tag ? { url: `http://${t.tag}-${next.metadata.name}.default.example.com` } : {}),
  }));
  return next;
}

import { plan } from '../../src/core/plan.js';
import type { Intent, Plan } from '../../src/core/plan-types.js';
import type { BgctlError } from '../../src/core/errors.js';

/** Plans with the default context. */
export function run(service: KnativeService, revisions: Revision[], intent: Intent, context: PlanContext = ctx): Plan {
  return plan({ service, revisions, intent, ctx: context });
}

/** Asserts the call throws a typed error of that class and reason, and returns it. */
export function thrown(fn: () => unknown, cls: new (...a: any[]) => BgctlError, reason: string): BgctlError {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof cls))
      throw new Error(`expected ${cls.name}, got ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
    if (err.reason !== reason) throw new Error(`expected reason ${reason}, got ${err.reason}: ${err.message}`);
    return err;
  }
  throw new Error(`expected ${cls.name} (${reason}), nothing was thrown`);
}

/** Short form of a traffic list for assertions: "tag:rev:pct", "@latest" for floating. */
export function short(traffic: TrafficTarget[]): string[] {
  return traffic.map(
    (t) => `${t.tag ?? ''}:${t.latestRevision || !t.revisionName ? '@latest' : t.revisionName}:${t.percent ?? 0}`,
  );
}
