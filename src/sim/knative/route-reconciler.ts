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
    route = rt.patch('routes', ns, name, 'merge', { metadata: { finalizers: [...finalizers, ROUTE_FINALIZER], resourceVersion: route.metadata.resourceVersion } });
  }
  const generation = route.metadata.generation ?? 0;
  const status: Record<string, any> = structuredClone(route.status ?? {});
  const cm = new ConditionManager(ROUTE_CONDITIONS, status.conditions);
  cm.initialize();
  if ((status.observedGeneration ?? 0) !== generation) cm.markUnknown('Ready', 'NewObservedGenFailure', MSG.newGen);
  let requeueAfterMs: number | undefined;
  try {
    requeueAfterMs = configure(rt, route, status, cm);
  } finally {
    status.observedGeneration = generation;
    status.conditions = cm.result(timestamp(rt.now()));
    const out: Record<string, any> = {};
    for (const k of ['observedGeneration', 'conditions', 'url', 'address', 'traffic']) if (status[k] !== undefined) out[k] = status[k];
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
  const traffic: TrafficTarget[] = [];
  for (const t of res.targets) {
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
  status.traffic = traffic;
  cm.markTrue('AllTrafficAssigned');
  status.address = { url: `http://${name}.${ns}.svc.cluster.local` };
  cm.markTrue('CertificateProvisioned', 'TLSNotEnabled', MSG.tlsNotEnabled);
  // The ingress is "programmed" with this generation's routing and needs a moment to apply it.
  const key = `${ns}/${name}`;
  const config = JSON.stringify({ generation: route.metadata.generation, url: status.url, traffic });
  const now = Date.now();
  let ing = rt.ingress.get(key);
  if (!ing || ing.config !== config) {
    ing = { config, readyAt: now + rt.timing.ingressMs };
    rt.ingress.set(key, ing);
  }
  if (now < ing.readyAt) {
    cm.markUnknown('IngressReady', 'IngressNotConfigured', MSG.ingressNotConfigured);
    return ing.readyAt - now;
  }
  cm.markTrue('IngressReady');
  return undefined;
}

function finalize(rt: Runtime, route: KObject): void {
  const finalizers = route.metadata.finalizers ?? [];
  if (!finalizers.includes(ROUTE_FINALIZER)) return;
  syncRoutingMeta(rt, route, true);
  rt.ingress.delete(`${route.metadata.namespace}/${route.metadata.name}`);
  rt.patch('routes', route.metadata.namespace!, route.metadata.name, 'merge', {
    metadata: { finalizers: finalizers.filter((f) => f !== ROUTE_FINALIZER), resourceVersion: route.metadata.resourceVersion },
  });
}
