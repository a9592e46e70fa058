// The Service controller (pkg/reconciler/service): owns a Configuration and a Route named after
// the Service and folds their status into its own.
import type { KObject } from '../api/contracts.js';
import type { TrafficTarget } from '../../core/knative-types.js';
import { ConditionManager, SERVICE_CONDITIONS } from './conditions.js';
import { A, API_VERSION, L, MSG } from './constants.js';
import { checkNameAvailability } from './configuration-reconciler.js';
import { deepEqual } from '../api/patch.js';
import { timestamp } from '../api/object-meta.js';
import { listValue } from './annotations.js';
import { controllerRef, isControlledBy } from './owners.js';
import type { PassResult } from './queue.js';
import type { Runtime } from './runtime.js';

/** One pass over the Service `ns/name`. */
export function reconcileService(rt: Runtime, ns: string, name: string): PassResult {
  const svc = rt.get('services', ns, name);
  if (!svc || svc.metadata.deletionTimestamp) return { wrote: false };
  const generation = svc.metadata.generation ?? 0;
  const status: Record<string, any> = structuredClone(svc.status ?? {});
  const cm = new ConditionManager(SERVICE_CONDITIONS, status.conditions);
  cm.initialize();
  if ((status.observedGeneration ?? 0) !== generation) cm.markUnknown('Ready', 'NewObservedGenFailure', MSG.newGen);
  try {
    reconcileChildren(rt, svc, status, cm);
  } finally {
    // As reconcile_common.go: the generation counts as observed even when the pass failed.
    status.observedGeneration = generation;
    status.conditions = cm.result(timestamp(rt.now()));
    rt.writeStatus('services', svc, orderStatus(status));
  }
  return { wrote: rt.wrote };
}

function reconcileChildren(rt: Runtime, svc: KObject, status: Record<string, any>, cm: ConditionManager): void {
  const ns = svc.metadata.namespace!;
  const name = svc.metadata.name;
  let config = rt.get('configurations', ns, name);
  if (!config) config = rt.create('configurations', ns, desiredConfiguration(svc, undefined));
  else if (!isControlledBy(config, svc)) {
    cm.markFalse('ConfigurationsReady', 'NotOwned', MSG.configNotOwned(name));
    return;
  } else {
    const want = desiredConfiguration(svc, config);
    if (
      !deepEqual(config.spec, want.spec) ||
      !deepEqual(config.metadata.labels ?? {}, want.metadata.labels) ||
      !deepEqual(config.metadata.annotations ?? {}, want.metadata.annotations)
    ) {
      config = rt.update('configurations', ns, {
        ...config,
        spec: want.spec,
        metadata: { ...config.metadata, labels: want.metadata.labels, annotations: want.metadata.annotations },
      });
    }
  }
  const byoName: string | undefined = config.spec?.template?.metadata?.name || undefined;
  if ((config.metadata.generation ?? 0) !== (config.status?.observedGeneration ?? 0)) {
    cm.markUnknown('ConfigurationsReady', 'OutOfDate', MSG.configOutOfDate);
    // With a BYO name the Route must wait until the revision it may name exists.
    if (byoName) return;
  } else {
    propagateConfiguration(status, config, cm);
  }
  if (byoName && checkNameAvailability(rt, config) === 'taken') {
    cm.markFalse('RoutesReady', 'RevisionNameTaken', MSG.nameTaken(byoName));
    return;
  }

  let route = rt.get('routes', ns, name);
  if (!route) route = rt.create('routes', ns, desiredRoute(svc));
  else if (!isControlledBy(route, svc)) {
    cm.markFalse('RoutesReady', 'NotOwned', MSG.routeNotOwned(name));
    return;
  } else {
    const want = desiredRoute(svc);
    if (
      !deepEqual(route.spec, want.spec) ||
      !deepEqual(route.metadata.labels ?? {}, want.metadata.labels) ||
      !deepEqual(route.metadata.annotations ?? {}, want.metadata.annotations)
    ) {
      route = rt.update('routes', ns, {
        ...route,
        spec: want.spec,
        metadata: { ...route.metadata, labels: want.metadata.labels, annotations: want.metadata.annotations },
      });
    }
  }
  if ((route.metadata.generation ?? 0) !== (route.status?.observedGeneration ?? 0)) {
    cm.markUnknown('RoutesReady', 'OutOfDate', MSG.routeOutOfDate);
  } else {
    propagateRoute(status, route, cm);
  }
  checkRoutesNotReady(config, route, cm);
}

function propagateConfiguration(status: Record<string, any>, config: KObject, cm: ConditionManager): void {
  setOrDelete(status, 'latestReadyRevisionName', config.status?.latestReadyRevisionName);
  setOrDelete(status, 'latestCreatedRevisionName', config.status?.latestCreatedRevisionName);
  propagateReady(cm, 'ConfigurationsReady', config);
}

function propagateRoute(status: Record<string, any>, route: KObject, cm: ConditionManager): void {
  setOrDelete(status, 'url', route.status?.url);
  setOrDelete(status, 'address', route.status?.address && structuredClone(route.status.address));
  setOrDelete(status, 'traffic', route.status?.traffic && structuredClone(route.status.traffic));
  propagateReady(cm, 'RoutesReady', route);
}

function propagateReady(cm: ConditionManager, type: string, child: KObject): void {
  const rc = (child.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
  if (!rc) return;
  if (rc.status === 'True') cm.markTrue(type);
  else if (rc.status === 'False') cm.markFalse(type, rc.reason ?? '', rc.message ?? '');
  else cm.markUnknown(type, rc.reason ?? '', rc.message ?? '');
}

/** Route Ready but serving something else than its spec asks for (service.go checkRoutesNotReady). */
function checkRoutesNotReady(config: KObject, route: KObject, cm: ConditionManager): void {
  if (cm.get('RoutesReady')?.status !== 'True') return;
  const want: TrafficTarget[] = route.spec?.traffic ?? [];
  const got: TrafficTarget[] = route.status?.traffic ?? [];
  const norm = (t: TrafficTarget) => ({
    tag: t.tag || undefined,
    revisionName: t.revisionName || undefined,
    configurationName: t.configurationName || undefined,
    percent: t.percent ?? 0,
  });
  const wanted = want.map((t) =>
    norm(
      t.configurationName === config.metadata.name
        ? { ...t, revisionName: config.status?.latestReadyRevisionName, configurationName: undefined }
        : t,
    ),
  );
  if (want.length !== got.length || !deepEqual(got.map(norm), wanted)) {
    cm.markUnknown('RoutesReady', 'TrafficNotMigrated', MSG.trafficNotMigrated);
  }
}

function ownerMeta(svc: KObject): { labels: Record<string, string>; annotations: Record<string, string> } {
  const annotations = { ...(svc.metadata.annotations ?? {}) };
  delete annotations[A.lastApplied];
  return { labels: { ...(svc.metadata.labels ?? {}) }, annotations };
}

/** The Configuration a Service wants (resources/configuration.go MakeConfigurationFromExisting). */
export function desiredConfiguration(svc: KObject, existing: KObject | undefined): KObject {
  const { labels, annotations } = ownerMeta(svc);
  // The rollout duration is the Route's business; upstream keeps it off the Configuration.
  delete annotations[A.rolloutDuration];
  delete annotations[A.rolloutDurationAlias];
  labels[L.service] = svc.metadata.name;
  labels[L.serviceUID] = svc.metadata.uid ?? '';
  const routes = listValue(existing?.metadata.annotations?.[A.routes]);
  annotations[A.routes] = [...new Set([...routes, svc.metadata.name])].sort().join(',');
  return {
    apiVersion: API_VERSION,
    kind: 'Configuration',
    metadata: {
      name: svc.metadata.name,
      namespace: svc.metadata.namespace,
      labels,
      annotations,
      ownerReferences: [controllerRef(svc)],
    },
    spec: { template: structuredClone(svc.spec?.template ?? {}) },
  };
}

/** The Route a Service wants: its traffic, with `configurationName` where no revision is named. */
export function desiredRoute(svc: KObject): KObject {
  const { labels, annotations } = ownerMeta(svc);
  labels[L.service] = svc.metadata.name;
  const traffic: TrafficTarget[] = svc.spec?.traffic?.length
    ? svc.spec.traffic
    : [{ latestRevision: true, percent: 100 }];
  return {
    apiVersion: API_VERSION,
    kind: 'Route',
    metadata: {
      name: svc.metadata.name,
      namespace: svc.metadata.namespace,
      labels,
      annotations,
      ownerReferences: [controllerRef(svc)],
    },
    spec: {
      traffic: traffic.map((t) =>
        t.revisionName ? structuredClone(t) : { ...structuredClone(t), configurationName: svc.metadata.name },
      ),
    },
  };
}

function setOrDelete(o: Record<string, any>, key: string, v: unknown): void {
  if (v === undefined || v === '') delete o[key];
  else o[key] = v;
}

/** Status fields in the order Knative serialises them. */
function orderStatus(s: Record<string, any>): Record<string, any> {
  const order = [
    'observedGeneration',
    'conditions',
    'latestReadyRevisionName',
    'latestCreatedRevisionName',
    'url',
    'address',
    'traffic',
  ];
  const out: Record<string, any> = {};
  for (const k of order) if (s[k] !== undefined) out[k] = s[k];
  for (const k of Object.keys(s)) if (!(k in out) && s[k] !== undefined) out[k] = s[k];
  return out;
}
