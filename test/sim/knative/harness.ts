// In-process playground for the Knative controller tests: a registry with the `default`
// namespace, the controllers installed on a manual clock, and helpers to write as a user and to
// move the clock until a state holds (no wall-clock waiting: a pass runs when the clock says).
import type { KObject, Registry, ResourceDef, WatchEvent } from '../../../src/sim/api/contracts.js';
import { createRegistry } from '../../../src/sim/api/registry.js';
import { installKnative, type KnativeOptions } from '../../../src/sim/knative/index.js';
import type { Rollout } from '../../../src/sim/knative/rollout.js';
import { ManualClock, RUN_LIMIT_MS } from '../clock.js';

export const USER = { user: 'alice' };

/** A registry with Knative installed. */
export interface Harness {
  registry: Registry;
  defs: Record<'services' | 'configurations' | 'revisions' | 'routes', ResourceDef>;
  errors: string[];
  /** The clock the registry and the controllers schedule on; only the test moves it. */
  clock: ManualClock;
  get(kind: keyof Harness['defs'], name: string, ns?: string): KObject;
  tryGet(kind: keyof Harness['defs'], name: string, ns?: string): KObject | undefined;
  createService(name: string, spec: Record<string, unknown>, meta?: Record<string, unknown>, ns?: string): KObject;
  mergePatch(kind: keyof Harness['defs'], name: string, body: unknown, ns?: string): KObject;
  /**
   * Moves the clock until `pred` holds for the object; fails when nothing left to run makes it hold within `ms` of
   * simulated time.
   */
  waitFor(
    kind: keyof Harness['defs'],
    name: string,
    pred: (o: KObject) => boolean,
    what: string,
    ms?: number,
    ns?: string,
  ): Promise<KObject>;
  /** Moves the clock until `cond()` holds (any state: the registry, the simulated ingress). */
  until<T>(cond: () => T | undefined | false, what: string): T;
  /** Reconciles every Route again (after moving an injected clock). */
  resync(): void;
  /** The rollout a Route's simulated ingress serves. */
  rollout(name: string, ns?: string): Rollout | undefined;
  close(): void;
}

/** Starts a registry with Knative (domain example.com unless given). */
export function startHarness(opts: Partial<KnativeOptions> = {}): Harness {
  const clock = new ManualClock();
  const registry = createRegistry({ clock });
  const nsDef = registry.resource('namespaces', '')!;
  for (const ns of ['default', 'other']) {
    if (!registry.tryGet(nsDef, undefined, ns))
      registry.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, USER);
  }
  const errors: string[] = [];
  const kn = installKnative(registry, {
    domain: 'example.com',
    onError: (k, e) => errors.push(`${k}: ${String(e)}`),
    clock,
    ...opts,
  });
  const g = 'serving.knative.dev';
  const defs = {
    services: registry.resource('services', g)!,
    configurations: registry.resource('configurations', g)!,
    revisions: registry.resource('revisions', g)!,
    routes: registry.resource('routes', g)!,
  };
  const h: Harness = {
    registry,
    defs,
    errors,
    clock,
    get: (kind, name, ns = 'default') => registry.get(defs[kind], ns, name),
    tryGet: (kind, name, ns = 'default') => registry.tryGet(defs[kind], ns, name),
    createService: (name, spec, meta = {}, ns = 'default') =>
      registry.create(
        defs.services,
        ns,
        { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name, ...meta }, spec },
        USER,
      ),
    mergePatch: (kind, name, body, ns = 'default') => registry.patch(defs[kind], ns, name, 'merge', body, USER).object,
    async waitFor(kind, name, pred, what, ms = RUN_LIMIT_MS, ns = 'default') {
      let last: KObject | undefined;
      try {
        return clock.runUntil(
          () => {
            last = registry.tryGet(defs[kind], ns, name);
            return last && pred(last) ? last : undefined;
          },
          `${kind}/${name}: ${what}`,
          ms,
        );
      } catch (err) {
        throw new Error(
          `${(err as Error).message}\nlast: ${JSON.stringify(last?.status)}\nerrors: ${errors.join('\n')}`,
        );
      }
    },
    until: (cond, what) => clock.runUntil(cond, what),
    resync: () => kn.resync(),
    rollout: (name, ns = 'default') => kn.rollout(ns, name),
    close() {
      kn.stop();
      (registry as { close?: () => void }).close?.();
    },
  };
  return h;
}

/** The condition of `type`, if any. */
export function cond(
  o: KObject | undefined,
  type: string,
): { status: string; reason?: string; message?: string; severity?: string; lastTransitionTime?: string } | undefined {
  return (o?.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
}

/** upstream IsReady: the generation observed and Ready True. */
export function isReady(o: KObject): boolean {
  return o.status?.observedGeneration === o.metadata.generation && cond(o, 'Ready')?.status === 'True';
}

/** upstream IsFailed: the generation observed and Ready False. */
export function isFailed(o: KObject): boolean {
  return o.status?.observedGeneration === o.metadata.generation && cond(o, 'Ready')?.status === 'False';
}

/** A container spec with one image and optional template annotations. */
export function template(image: string, annotations?: Record<string, string>, name?: string): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (annotations) metadata.annotations = annotations;
  if (name) metadata.name = name;
  return { ...(Object.keys(metadata).length ? { metadata } : {}), spec: { containers: [{ image }] } };
}

/** Records every watch event of one object as a compact state string. */
export function recordStates(
  h: Harness,
  kind: keyof Harness['defs'],
  name: string,
  render: (o: KObject) => string,
): { states: string[]; stop(): void } {
  const states: string[] = [];
  const stop = h.registry.watch(
    h.defs[kind],
    'default',
    { fieldSelector: `metadata.name=${name}` },
    (ev: WatchEvent) => {
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
        const s = render(ev.object as KObject);
        if (states[states.length - 1] !== s) states.push(s);
      }
    },
  );
  return { states, stop };
}

/** `type=status/reason` for the given condition types. */
export function condSummary(o: KObject, types: string[]): string {
  return types.map((t) => `${t}=${cond(o, t)?.status ?? '-'}/${cond(o, t)?.reason ?? ''}`).join(' ');
}
