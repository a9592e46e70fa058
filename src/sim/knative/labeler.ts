// The labeler (pkg/reconciler/labeler): revisions and configurations a Route references carry
// its name in `serving.knative.dev/routes`; revisions flip routingState active/reserve (§6.2).
import { StatusError, type KObject } from '../api/contracts.js';
import type { TrafficTarget } from '../../core/knative-types.js';
import { A, L } from './constants.js';
import { timestamp } from '../api/object-meta.js';
import { listValue } from './annotations.js';
import { controllerOf } from './owners.js';
import type { Runtime } from './runtime.js';

/** Labels what `route` references; unlabels the rest once the route is Ready or failed (or deleted). */
export function syncRoutingMeta(rt: Runtime, route: KObject, deleting = false): void {
  const ns = route.metadata.namespace!;
  const revisions = new Set<string>();
  const configs = new Set<string>();
  if (!deleting) {
    const all = [
      ...((route.status?.traffic ?? []) as TrafficTarget[]),
      ...((route.spec?.traffic ?? []) as TrafficTarget[]),
    ];
    for (const tt of all) {
      let configName = tt.configurationName;
      if (tt.revisionName) {
        const rev = rt.get('revisions', ns, tt.revisionName);
        if (!rev) continue;
        revisions.add(rev.metadata.name);
        const owner = controllerOf(rev);
        if (owner?.kind === 'Configuration') configName = owner.name;
      }
      if (configName) {
        const config = rt.get('configurations', ns, configName);
        if (!config) continue;
        configs.add(configName);
        // A configuration target also pins its newest revision, so it is born and stays active.
        if (tt.configurationName && config.status?.latestCreatedRevisionName)
          revisions.add(config.status.latestCreatedRevisionName);
      }
    }
  }
  const name = route.metadata.name;
  for (const r of revisions) setRoute(rt, 'revisions', ns, r, name);
  for (const c of configs) setRoute(rt, 'configurations', ns, c, name);
  const ready = (route.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
  const settled =
    (route.status?.observedGeneration ?? 0) === (route.metadata.generation ?? 0) && ready && ready.status !== 'Unknown';
  if (!deleting && !settled) return;
  // Only what still carries this route's name can need clearing (clearRoute checks it again).
  const labeled = (kind: 'revisions' | 'configurations') =>
    rt.lookups.labeledForRoute(kind, ns, name).flatMap((n) => rt.get(kind, ns, n) ?? []);
  for (const rev of labeled('revisions')) if (!revisions.has(rev.metadata.name)) clearRoute(rt, 'revisions', rev, name);
  for (const cfg of labeled('configurations'))
    if (!configs.has(cfg.metadata.name)) clearRoute(rt, 'configurations', cfg, name);
}

function setRoute(rt: Runtime, kind: 'revisions' | 'configurations', ns: string, objName: string, route: string): void {
  const obj = rt.get(kind, ns, objName);
  if (!obj || obj.metadata.deletionTimestamp) return;
  const routes = listValue(obj.metadata.annotations?.[A.routes]);
  const patch: { metadata: { labels?: Record<string, string>; annotations?: Record<string, string | null> } } = {
    metadata: {},
  };
  if (!routes.includes(route)) patch.metadata.annotations = { [A.routes]: [...routes, route].sort().join(',') };
  if (kind === 'revisions' && obj.metadata.labels?.[L.routingState] !== 'active') {
    patch.metadata.labels = { [L.routingState]: 'active' };
    patch.metadata.annotations = {
      ...(patch.metadata.annotations ?? {}),
      [A.routingStateModified]: timestamp(rt.now()),
    };
  }
  if (patch.metadata.labels || patch.metadata.annotations) patchIfPresent(rt, kind, ns, objName, patch);
}

function clearRoute(rt: Runtime, kind: 'revisions' | 'configurations', obj: KObject, route: string): void {
  const routes = listValue(obj.metadata.annotations?.[A.routes]);
  if (!routes.includes(route) || obj.metadata.deletionTimestamp) return;
  const rest = routes.filter((r) => r !== route);
  const patch: { metadata: { labels?: Record<string, string>; annotations: Record<string, string | null> } } = {
    metadata: { annotations: { [A.routes]: rest.length ? rest.join(',') : null } },
  };
  if (kind === 'revisions' && !rest.length) {
    patch.metadata.labels = { [L.routingState]: 'reserve' };
    patch.metadata.annotations[A.routingStateModified] = timestamp(rt.now());
  }
  patchIfPresent(rt, kind, obj.metadata.namespace!, obj.metadata.name, patch);
}

/** Metadata patches race with cascading deletes; a vanished object needs no labels. */
function patchIfPresent(
  rt: Runtime,
  kind: 'revisions' | 'configurations',
  ns: string,
  name: string,
  patch: unknown,
): void {
  try {
    rt.patch(kind, ns, name, 'merge', patch);
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 404)) throw err;
  }
}
