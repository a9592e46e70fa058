// The Route controller (pkg/reconciler/route): status.url before resolution, status.traffic and
// address only once every target resolves, a simulated ingress that takes a moment to pick up
// each new configuration, the finalizer and the labeler.
import type { KObject } from '../api/contracts.js';
import type { TrafficTarget } from '../../core/knative-types.js';
import { ConditionManager, ROUTE_CONDITIONS } from './conditions.js';
import { L, MSG, ROUTE_FINALIZER } from './constants.js';
import { timestamp } from '../api/object-meta.js';
import { syncRoutingMeta } from './labeler.js';
import { domainError, hostFor, tagName } from './names.js';
import type { PassResult } from './queue.js';
import type { Runtime } from './runtime.js';
import {
  buildRollout,
  observeReady,
  rolloutDone,
  rolloutSeconds,
  stepRollout,
  trafficWithRollout,
  type ResolvedTarget,
  type Rollout,
} from './rollout.js';
import { buildTraffic } from './traffic.js';

/** One pass over the Route `ns/name`. */
export function reconcileRoute(rt: Runtime, ns: string, name: string): PassResult {
  let route = rt.get('routes', ns, name);
  if (!route) return { wrote: false };
  if (route.metadata.deletionTimestamp) {
    finalize(rt, route);
    return { wrote: rt.wrote };
  }
  const finalizers = route.metadata.finalizers ?? [];
  if (!finalizers.includes(ROUTE_FINALIZER)) {
    route = rt.patch('routes', ns, name, 'merge', {
      metadata: { finalizers: [...finalizers, ROUTE_FINALIZER], resourceVersion: route.metadata.resourceVersion },
    });
  }
  const generation = route.metadata.generation ?? 0;
  const status: Record<string, any> = structuredClone(route.status ?? {});
  const cm = new ConditionManager(ROUTE_CONDITIONS, status.conditions);
  cm.initialize();
  if ((status.observedGeneration ?? 0) !== generation) {
    cm.markUnknown('Ready', 'NewObservedGenFailure', MSG.newGen);
    // route.go: a new generation is not ready before its ingress is, even if its targets fail.
    cm.markUnknown('IngressReady', 'IngressNotConfigured', MSG.ingressNotConfigured);
  }
  let requeueAfterMs: number | undefined;
  try {
    requeueAfterMs = configure(rt, route, status, cm);
  } finally {
    status.observedGeneration = generation;
    status.conditions = cm.result(timestamp(rt.now()));
    const out: Record<string, any> = {};
    for (const k of ['observedGeneration', 'conditions', 'url', 'address', 'traffic'])
      if (status[k] !== undefined) out[k] = status[k];
    route = rt.writeStatus('routes', route, out);
  }
  syncRoutingMeta(rt, route);
  return { wrote: rt.wrote, requeueAfterMs };
}

/** Fills status; returns when to look again if the ingress is still catching up. */
function configure(rt: Runtime, route: KObject, status: Record<string, any>, cm: ConditionManager): number | undefined {
  const ns = route.metadata.namespace!;
  const name = route.metadata.name;
  const local = route.metadata.labels?.[L.visibility] === 'cluster-local';
  const host = hostFor(rt.domain, name, ns, local);
  const hostErr = domainError(host);
  if (hostErr) {
    cm.markFalse('AllTrafficAssigned', 'ErrorConfig', hostErr);
    return undefined;
  }
  status.url = `http://${host}`;
  const res = buildTraffic(rt, route);
  if (res.error) {
    // The previous status.traffic (and address) stay until every target resolves.
    if (res.error.failure) cm.markFalse('AllTrafficAssigned', res.error.reason, res.error.message);
    else cm.markUnknown('AllTrafficAssigned', res.error.reason, res.error.message);
    return undefined;
  }
  const traffic: ResolvedTarget[] = [];
  for (const t of res.targets as ResolvedTarget[]) {
    if (!t.tag) {
      traffic.push(t);
      continue;
    }
    const tagHost = hostFor(rt.domain, tagName(rt.domain, name, t.tag), ns, local);
    const err = domainError(tagHost);
    if (err) {
      cm.markFalse('AllTrafficAssigned', 'ErrorConfig', err);
      return undefined;
    }
    traffic.push({ ...t, url: `http://${tagHost}` });
  }
  status.traffic = traffic.map(statusTarget);
  cm.markTrue('AllTrafficAssigned');
  status.address = { url: `http://${name}.${ns}.svc.cluster.local` };
  cm.markTrue('CertificateProvisioned', 'TLSNotEnabled', MSG.tlsNotEnabled);
  // The ingress is "programmed" with this generation's routing (and rollout) and needs a moment to apply it.
  const key = `${ns}/${name}`;
  const now = rt.clock.now();
  let ing = rt.ingress.get(key);
  const ingressWasReady = ing !== undefined && now >= ing.readyAt;
  const { rollout, nextStepMs } = reconcileRollout(
    rt,
    route,
    traffic,
    ing !== undefined,
    ingressWasReady,
    cm.get('IngressReady')?.status === 'True',
  );
  const served = trafficWithRollout(traffic, rollout).map(statusTarget);
  const config = JSON.stringify({ generation: route.metadata.generation, url: status.url, traffic: served });
  if (!ing || ing.config !== config) {
    ing = { config, readyAt: now + rt.timing.ingressMs };
    rt.ingress.set(key, ing);
  }
  const waits: number[] = [];
  if (nextStepMs !== undefined) waits.push(nextStepMs);
  if (!rolloutDone(rollout)) {
    // route.go: while a rollout is in flight it is the IngressReady reason, and status shows the split.
    cm.markUnknown('IngressReady', 'RolloutInProgress', MSG.rolloutInProgress);
    status.traffic = served;
    if (now < ing.readyAt) waits.push(ing.readyAt - now);
  } else if (now < ing.readyAt) {
    cm.markUnknown('IngressReady', 'IngressNotConfigured', MSG.ingressNotConfigured);
    waits.push(ing.readyAt - now);
  } else cm.markTrue('IngressReady');
  return waits.length ? Math.min(...waits) : undefined;
}

/** status.traffic entries do not name the configuration. */
function statusTarget(t: ResolvedTarget): TrafficTarget {
  const { configurationName: _configurationName, ...rest } = t;
  return rest;
}

/**
 * reconcile_resources.go reconcileRollout: the rollout the ingress should serve now, stepping
 * from the previous one when the route has a rollout duration; and when the next step is due (ms from now).
 */
function reconcileRollout(
  rt: Runtime,
  route: KObject,
  targets: ResolvedTarget[],
  ingressExists: boolean,
  ingressReady: boolean,
  routeIngressReady: boolean,
): { rollout: Rollout; nextStepMs?: number } {
  const key = `${route.metadata.namespace}/${route.metadata.name}`;
  const cur = buildRollout(targets);
  const durationSecs = rolloutSeconds(route.metadata.annotations);
  if (!ingressExists || durationSecs <= 0) {
    rt.rollouts.set(key, cur);
    return { rollout: cur };
  }
  const prev = rt.rollouts.get(key);
  const now = rt.now().getTime();
  if (prev && ingressReady && !routeIngressReady) observeReady(prev, now, durationSecs);
  const { rollout, nextStepTime } = stepRollout(cur, prev, now);
  rt.rollouts.set(key, structuredClone(rollout));
  return { rollout, nextStepMs: nextStepTime > 0 ? Math.max(0, nextStepTime - now) : undefined };
}

function finalize(rt: Runtime, route: KObject): void {
  const finalizers = route.metadata.finalizers ?? [];
  if (!finalizers.includes(ROUTE_FINALIZER)) return;
  syncRoutingMeta(rt, route, true);
  rt.ingress.delete(`${route.metadata.namespace}/${route.metadata.name}`);
  rt.rollouts.delete(`${route.metadata.namespace}/${route.metadata.name}`);
  rt.patch('routes', route.metadata.namespace!, route.metadata.name, 'merge', {
    metadata: {
      finalizers: finalizers.filter((f) => f !== ROUTE_FINALIZER),
      resourceVersion: route.metadata.resourceVersion,
    },
  });
}
