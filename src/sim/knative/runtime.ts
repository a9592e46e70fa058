// What every reconciler shares: registry, resource definitions, request context, clock, timing, and the state of
// what the playground does not store (ingress programming, pod start times).
import {
  StatusError,
  type KObject,
  type PatchType,
  type Registry,
  type RequestContext,
  type ResourceDef,
} from '../api/contracts.js';
import { deepEqual } from '../api/patch.js';
import { systemClock, type SimClock } from '../clock.js';
import type { GcConfig } from './gc.js';
import { Lookups } from './lookups.js';
import type { Rollout } from './rollout.js';
import type { DomainConfig } from './names.js';

/** The four served Knative resources, by plural. */
export type Kind = 'services' | 'configurations' | 'revisions' | 'routes';
/** Every Kind, in reconcile-priority order. */
export const KINDS: Kind[] = ['services', 'configurations', 'revisions', 'routes'];

/** Timing of the simulated control plane, in milliseconds. */
export interface Timing {
  /** Delay between an event and the reconcile it triggers. */
  stepMs: number;
  /** Minimum time between two controller writes to the same object. */
  dwellMs: number;
  /** How long the ingress takes to pick up a new route configuration. */
  ingressMs: number;
  /** Default for revisions without `sim.bgctl.dev/ready-after`. */
  readyAfterMs: number;
}

/** Shared state of one installed control plane. */
export class Runtime {
  readonly defs: Record<Kind, ResourceDef>;
  readonly ctx: RequestContext;
  /** route key -> the configuration the simulated ingress has been given, and when it is live. */
  readonly ingress = new Map<string, { config: string; readyAt: number }>();
  /** route key -> the rollout its ingress serves (upstream keeps it in an Ingress annotation). */
  readonly rollouts = new Map<string, Rollout>();
  /** revision uid -> when its simulated pod finishes starting (or failing). */
  readonly podDue = new Map<string, number>();
  /** Revisions by configuration, routes by target, objects by the routes that label them. */
  readonly lookups: Lookups;
  wrote = false;

  constructor(
    readonly registry: Registry,
    readonly domain: DomainConfig,
    readonly timing: Timing,
    user: string,
    /** config-gc of the revision collector. */
    readonly gc: GcConfig,
    /** Time of day of conditions, routingStateModified and GC; default the scheduling clock's. */
    private readonly timeOfDay?: () => Date,
    /** What pod start, ingress programming and the work queue wait on. */
    readonly clock: SimClock = systemClock,
  ) {
    const defs = {} as Record<Kind, ResourceDef>;
    for (const k of KINDS) {
      const def = registry.resource(k, 'serving.knative.dev');
      if (!def) throw new Error(`registry does not serve ${k}.serving.knative.dev`);
      defs[k] = def;
    }
    this.defs = defs;
    this.lookups = new Lookups(registry, defs);
    this.ctx = { user, fieldManager: 'controller' };
  }

  /** Stops following the registry. */
  close(): void {
    this.lookups.stop();
  }

  /** The controllers' clock: condition times, routingStateModified and revision GC. */
  now(): Date {
    return this.timeOfDay ? this.timeOfDay() : new Date(this.clock.now());
  }

  get(kind: Kind, ns: string, name: string): KObject | undefined {
    return this.registry.tryGet(this.defs[kind], ns, name);
  }

  list(kind: Kind, ns: string): KObject[] {
    return this.registry.list(this.defs[kind], ns).items;
  }

  create(kind: Kind, ns: string, obj: KObject): KObject {
    this.wrote = true;
    return this.registry.create(this.defs[kind], ns, obj, { ...this.ctx });
  }

  update(kind: Kind, ns: string, obj: KObject): KObject {
    this.wrote = true;
    return this.registry.update(this.defs[kind], ns, obj, { ...this.ctx });
  }

  patch(kind: Kind, ns: string, name: string, type: PatchType, body: unknown): KObject {
    this.wrote = true;
    return this.registry.patch(this.defs[kind], ns, name, type, body, { ...this.ctx }).object;
  }

  /** Deletes in the background, as a controller's client would; an object already gone is fine. */
  remove(kind: Kind, ns: string, name: string): void {
    this.wrote = true;
    try {
      this.registry.delete(this.defs[kind], ns, name, { ...this.ctx, propagationPolicy: 'Background' });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }

  /** Writes `status` through /status when it differs from what is stored; returns the object. */
  writeStatus(kind: Kind, obj: KObject, status: Record<string, unknown>): KObject {
    if (deepEqual(obj.status ?? {}, status)) return obj;
    this.wrote = true;
    return this.registry.updateStatus(this.defs[kind], obj.metadata.namespace, { ...obj, status }, { ...this.ctx });
  }
}
