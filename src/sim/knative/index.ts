// Knative Serving inside the playground: admission hooks and the four controllers, driven by the registry's change
// feed through a work queue. Revision GC runs after each Configuration pass (config-gc defaults: nothing within 48h).
import type { ChangeEvent, Registry } from '../api/contracts.js';
import type { SimClock } from '../clock.js';
import { knativeAdmission } from './admission/index.js';
import { withSecurityWarnings } from './security-warnings.js';
import { CONTROLLER_USER, L } from './constants.js';
import { reconcileConfiguration } from './configuration-reconciler.js';
import { DEFAULT_DOMAIN_TEMPLATE, DEFAULT_TAG_TEMPLATE } from './names.js';
import { WorkQueue, type PassResult } from './queue.js';
import { reconcileRevision } from './revision-reconciler.js';
import { reconcileRoute } from './route-reconciler.js';
import { KINDS, Runtime, type Kind, type Timing } from './runtime.js';
import { reconcileService } from './service-reconciler.js';
import { DEFAULT_READY_AFTER_MS } from './knobs.js';
import { DEFAULT_GC, type GcConfig } from './gc.js';
import type { Rollout } from './rollout.js';

/** Options of installKnative; everything but `domain` has playground defaults. */
export interface KnativeOptions {
  /** config-domain, e.g. `example.com`; `svc.cluster.local` makes every route cluster-local. */
  domain: string;
  domainTemplate?: string;
  tagTemplate?: string;
  /** Timing of the simulated control plane (ms); see Timing. */
  timing?: Partial<Timing>;
  /** config-gc overrides (durations in ms, or 'disabled'). Default: the shipped config-gc. */
  gc?: Partial<GcConfig>;
  /** What the controllers wait on (reconciles, dwell, pod start, ingress, rollout steps); default the system clock. */
  clock?: SimClock;
  /** The controllers' time of day (condition times, routingStateModified, GC staleness). Default: `clock`'s. */
  now?: () => Date;
  /** Called when a reconcile pass throws (it is retried with backoff). */
  onError?: (key: string, err: unknown) => void;
}

/** Playground timing: every state lasts at least dwellMs, so a 50 ms poller sees it. */
export const DEFAULT_TIMING: Timing = { stepMs: 20, dwellMs: 75, ingressMs: 100, readyAfterMs: DEFAULT_READY_AFTER_MS };

const RECONCILERS: Record<Kind, (rt: Runtime, ns: string, name: string) => PassResult> = {
  services: reconcileService,
  configurations: reconcileConfiguration,
  revisions: reconcileRevision,
  routes: reconcileRoute,
};

/** The running controllers. */
export interface KnativeControllers {
  stop(): void;
  /**
   * Reconciles every Route again soon, as an informer resync would: after a test moved the
   * injected clock, a gradual rollout takes the steps that became due.
   */
  resync(): void;
  /** The rollout a Route's ingress serves (upstream's Ingress rollout annotation), for tests. */
  rollout(ns: string, name: string): Rollout | undefined;
}

/** Installs admission and starts the controllers on `registry`; stop() ends them. */
export function installKnative(registry: Registry, opts: KnativeOptions): KnativeControllers {
  const rt = new Runtime(
    registry,
    {
      domain: opts.domain,
      domainTemplate: opts.domainTemplate ?? DEFAULT_DOMAIN_TEMPLATE,
      tagTemplate: opts.tagTemplate ?? DEFAULT_TAG_TEMPLATE,
    },
    { ...DEFAULT_TIMING, ...(opts.timing ?? {}) },
    CONTROLLER_USER,
    { ...DEFAULT_GC, ...(opts.gc ?? {}) },
    opts.now,
    opts.clock,
  );
  for (const k of KINDS) registry.setAdmission(rt.defs[k], withSecurityWarnings(k, knativeAdmission[k]));

  const queue = new WorkQueue(
    (key) => {
      const [kind, ns, name] = key.split('/') as [Kind, string, string];
      rt.wrote = false;
      return RECONCILERS[kind](rt, ns, name);
    },
    { dwellMs: rt.timing.dwellMs, onError: opts.onError, clock: rt.clock },
  );
  const enqueue = (kind: Kind, ns: string, name: string) => queue.add(`${kind}/${ns}/${name}`, rt.timing.stepMs);
  // Like the route's tracker: a route hears about the revisions and configurations it names.
  // Configuration news reaches the Service a step before the Route, so the Service can show
  // TrafficNotMigrated while the Route is still on the previous revision (§1.7 B).
  const routesNaming = (ns: string, field: 'revisionName' | 'configurationName', name: string, delay: number) => {
    for (const route of rt.lookups.routesNaming(ns, field, name)) queue.add(`routes/${ns}/${route}`, delay);
  };

  const onChange = (ev: ChangeEvent) => {
    if (ev.resource.group !== 'serving.knative.dev') return;
    const kind = ev.resource.plural as Kind;
    const obj = ev.object;
    const ns = obj.metadata.namespace ?? '';
    const owner = obj.metadata.ownerReferences?.find((r) => r.controller);
    if (ev.type !== 'DELETED') enqueue(kind, ns, obj.metadata.name);
    if (ev.type === 'DELETED') rt.podDue.delete(obj.metadata.uid ?? '');
    switch (kind) {
      case 'configurations':
        if (owner?.kind === 'Service') enqueue('services', ns, owner.name);
        routesNaming(ns, 'configurationName', obj.metadata.name, 2 * rt.timing.stepMs);
        break;
      case 'revisions':
        if (owner?.kind === 'Configuration') enqueue('configurations', ns, owner.name);
        else if (obj.metadata.labels?.[L.configuration])
          enqueue('configurations', ns, obj.metadata.labels[L.configuration]);
        routesNaming(ns, 'revisionName', obj.metadata.name, rt.timing.stepMs);
        break;
      case 'routes':
        if (owner?.kind === 'Service') enqueue('services', ns, owner.name);
        break;
      case 'services':
        break;
    }
  };
  const unsubscribe = registry.onChange(onChange);
  // Objects stored before the controllers started get a first pass too.
  for (const k of KINDS)
    for (const o of registry.list(rt.defs[k], undefined).items) enqueue(k, o.metadata.namespace ?? '', o.metadata.name);
  return {
    stop() {
      unsubscribe();
      queue.stop();
      rt.close();
    },
    resync() {
      for (const r of registry.list(rt.defs.routes, undefined).items)
        enqueue('routes', r.metadata.namespace ?? '', r.metadata.name);
    },
    rollout: (ns, name) => structuredClone(rt.rollouts.get(`${ns}/${name}`)),
  };
}
