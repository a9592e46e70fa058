// Watches one Service inside the playground's registry while bgctl works on it: every committed write
// is checked against the oracle (so a half-changed service is caught the moment it is stored, not
// only at the end), a foreign writer edits traffic and tags concurrently, and 410 Expired answers
// to watches are counted.
import type { KnativeService, TrafficTarget } from '../../src/core/knative-types.js';
import type { ChangeEvent, KObject, Registry, WatchEvent } from '../../src/sim/api/contracts.js';
import type { Playground } from '../helpers/playground.js';
import {
  checkForeign,
  checkNoOverride,
  checkRevisionsExist,
  checkStateMatchesTraffic,
  checkSums,
  closesAsUndo,
  mayOverride,
  recordedRollout,
  routingOf,
  sameRouting,
  type ForeignTarget,
  type Routing,
} from './invariants.js';
import type { Rng } from './rng.js';

const FOREIGN_USER = { user: 'chaos-foreign-writer', fieldManager: 'kubectl-edit' };
const NS = 'default';

function defs(registry: Registry) {
  return {
    svc: registry.resource('services', 'serving.knative.dev')!,
    rev: registry.resource('revisions', 'serving.knative.dev')!,
    ns: registry.resource('namespaces', '')!,
  };
}

/** Names of the stored revisions of a service. */
export function revisionsOf(registry: Registry, service: string): Set<string> {
  const items = registry.list(defs(registry).rev, NS, {
    labelSelector: `serving.knative.dev/service=${service}`,
  }).items;
  return new Set(items.map((r) => r.metadata.name));
}

/** Names of the revisions of a service whose Ready condition is True (a route to any other fails). */
export function readyRevisionsOf(registry: Registry, service: string): string[] {
  const items = registry.list(defs(registry).rev, NS, {
    labelSelector: `serving.knative.dev/service=${service}`,
  }).items;
  return items
    .filter((r) =>
      r.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'),
    )
    .map((r) => r.metadata.name);
}

/** The stored Service (undefined when missing). */
export function storedService(registry: Registry, name: string): KnativeService | undefined {
  return registry.tryGet(defs(registry).svc, NS, name) as unknown as KnativeService | undefined;
}

/** The stored Revision. */
export function storedRevision(registry: Registry, name: string): KObject | undefined {
  return registry.tryGet(defs(registry).rev, NS, name);
}

const expiredCounts = new WeakMap<Registry, { n: number }>();

/**
 * Counts the 410 Expired errors the registry sends to watchers (the HTTP server delivers them inside
 * the stream, so the request log cannot show them). Installed once per registry.
 */
export function countExpired(registry: Registry): { n: number } {
  let c = expiredCounts.get(registry);
  if (c) return c;
  const counter = { n: 0 };
  c = counter;
  expiredCounts.set(registry, c);
  const original = registry.watch.bind(registry);
  registry.watch = (def, namespace, opts, onEvent) =>
    original(def, namespace, opts, (ev: WatchEvent) => {
      if (ev.type === 'ERROR' && ev.object.code === 410) counter.n++;
      onEvent(ev);
    });
  return c;
}

const churnOnClose = new WeakMap<Registry, { armed?: () => void }>();

/**
 * Churns (see churn) the moment the next watch of services ends: its watcher resumes from a version
 * that has left the history, so the 410 does not depend on which events happened to come first.
 */
export function churnWhenWatchCloses(registry: Registry, n: number): void {
  let hook = churnOnClose.get(registry);
  if (!hook) {
    const h: { armed?: () => void } = {};
    hook = h;
    churnOnClose.set(registry, h);
    const original = registry.watch.bind(registry);
    registry.watch = (def, namespace, opts, onEvent) => {
      const stop = original(def, namespace, opts, onEvent);
      if (def.plural !== 'services') return stop;
      return () => {
        stop();
        const fire = h.armed;
        h.armed = undefined;
        fire?.();
      };
    };
  }
  hook.armed = () => churn(registry, n);
}

/**
 * Writes `n` label changes to a namespace so that older resource versions fall out of the watch history (410 on
 * resume).
 */
export function churn(registry: Registry, n: number): void {
  const ns = defs(registry).ns;
  for (let i = 0; i < n; i++)
    registry.patch(
      ns,
      undefined,
      'kube-public',
      'merge',
      { metadata: { labels: { 'chaos.bgctl.dev/churn': String(i) } } },
      { user: 'system:admin' },
    );
}

const bgctlView = (o: KObject | undefined): string => {
  if (!o) return '';
  const ann = Object.entries(o.metadata.annotations ?? {}).filter(([k]) => k.startsWith('bgctl.dev/'));
  return JSON.stringify([o.spec?.traffic, o.spec?.template, ann]);
};

/** One write of bgctl as the monitor saw it commit. */
export interface SeenWrite {
  /** Position among all writes of the service seen (bgctl's and the person's). */
  seq: number;
  actor: string;
  argv: readonly string[];
  /** Someone else had changed the routing since this actor's last write. */
  pending: boolean;
  routingChanged: boolean;
  /** The write broke the no-override rule. */
  override: boolean;
  phase?: string;
}

/** The oracle attached to one service for the length of a run. */
export class Monitor {
  readonly violations: string[] = [];
  /** Foreign targets that must survive (the foreign writer's own, minus those it removed itself). */
  readonly foreign = new Map<string, ForeignTarget>();
  foreignWrites = 0;
  /** The person's (foreign writer's) writes that changed the routing, with their seq. */
  readonly personChanges: Array<{ seq: number; routing: Routing }> = [];
  readonly writes: SeenWrite[] = [];
  /** The BGCTL_ACTOR of the scenario's own commands. */
  actor = 'chaos';
  /** The bgctl commands running now, by actor: a write is attributed by the actor its record names. */
  readonly running = new Map<string, readonly string[]>();
  /** Per actor, the routing as its last write left it (or as it adopted it: take-over, undo, new rollout). */
  private readonly left = new Map<string, Routing>();
  private seq = 0;
  private readonly watchers: Array<{ when: (svc: KnativeService) => boolean; fn: () => void }> = [];
  bgctlWrites = 0;
  /** Foreign writes since bgctl's last write: then the stored object no longer shows what bgctl left. */
  foreignSinceBgctl = 0;
  /** The service as bgctl's last write left it. */
  lastBgctl: KnativeService | undefined;
  /** What bgctl is doing now, prefixed to violations. */
  label = 'setup';
  private inForeign = false;
  private readonly stopFeed: () => void;
  private timer: NodeJS.Timeout | undefined;
  private tagCounter = 0;
  private onBgctlWrite: Array<() => void> = [];

  constructor(
    private readonly pg: Playground,
    readonly service: string,
    opts: { actor?: string } = {},
  ) {
    if (opts.actor) this.actor = opts.actor;
    this.stopFeed = pg.registry.onChange((ev) => this.onChange(ev));
    this.lastBgctl = storedService(pg.registry, service);
    this.left.set(this.actor, routingOf(this.lastBgctl?.spec?.traffic));
  }

  /** The argv of the command the scenario's actor runs now. */
  get command(): readonly string[] {
    return this.running.get(this.actor) ?? [];
  }

  set command(argv: readonly string[]) {
    this.running.set(this.actor, argv);
  }

  /** Calls `fn` once, the first time a committed state of the service satisfies `when` (status updates included). */
  whenStored(when: (svc: KnativeService) => boolean, fn: () => void): void {
    this.watchers.push({ when, fn });
  }

  /** Someone else changed the routing since `actor`'s last write, and it still stands. */
  personChangePending(actor = this.actor): boolean {
    const left = this.left.get(actor);
    return !!left && !sameRouting(routingOf(storedService(this.pg.registry, this.service)?.spec?.traffic), left);
  }

  /**
   * The actor whose write this is: the one its new record names when it changed the record, else the command started
   * last.
   */
  private writerOf(old: KnativeService | undefined, svc: KnativeService): string {
    const a = recordedRollout(svc);
    const b = old ? recordedRollout(old) : undefined;
    const by = typeof a === 'object' && JSON.stringify(a) !== JSON.stringify(b) ? a.updatedBy : undefined;
    if (by && this.running.has(by)) return by;
    return [...this.running.keys()].pop() ?? this.actor;
  }

  private fail(msg: string): void {
    this.violations.push(`[${this.label}] ${msg}`);
  }

  private onChange(ev: ChangeEvent): void {
    const reg = this.pg.registry;
    if (ev.resource.plural === 'revisions' && ev.type === 'DELETED') {
      const svc = storedService(reg, this.service);
      const name = ev.object.metadata.name;
      if (svc?.spec?.traffic?.some((t) => t.revisionName === name))
        this.fail(`revision ${name} was deleted while spec.traffic routes to it`);
      return;
    }
    if (ev.resource.plural !== 'services' || ev.object.metadata.name !== this.service || ev.type !== 'MODIFIED') return;
    const svc = ev.object as unknown as KnativeService;
    for (const v of checkSums(svc, 'status')) this.fail(v);
    for (const w of this.watchers.filter((x) => x.when(svc))) {
      this.watchers.splice(this.watchers.indexOf(w), 1);
      w.fn();
    }
    if (this.inForeign || bgctlView(ev.object) === bgctlView(ev.old)) return;
    // A change of traffic, template or bgctl.dev/ annotations not made by the foreign writer: bgctl's.
    this.bgctlWrites++;
    this.foreignSinceBgctl = 0;
    this.lastBgctl = svc;
    const old = ev.old as unknown as KnativeService | undefined;
    const before = old ? recordedRollout(old) : undefined;
    const after = recordedRollout(svc);
    const phaseChanged =
      typeof after === 'object' &&
      (typeof before !== 'object' || before.phase !== after.phase || before.id !== after.id);
    this.checkOverride(old, svc, typeof after === 'object' && (typeof before !== 'object' || before.id !== after.id));
    for (const v of [
      ...checkSums(svc, 'spec'),
      ...checkRevisionsExist(svc, revisionsOf(reg, this.service)),
      ...checkForeign(svc, this.foreign.values()),
      ...checkStateMatchesTraffic(svc, phaseChanged),
    ])
      this.fail(`bgctl stored: ${v}`);
    const hooks = this.onBgctlWrite;
    this.onBgctlWrite = [];
    for (const fn of hooks) fn();
  }

  /**
   * bgctl never writes over a traffic change it did not make, unless told to take over: when a write
   * of actor A commits while the routing differs from what A's last write left (someone else — a
   * person or another bgctl — changed it since), the write must keep the routing as it found it,
   * unless A's command carries --take-over or is an explicit undo (rollback, rollout --abort, pin),
   * or the write closes the rollout as aborted/rolled-back (see checkNoOverride for the one
   * exception, foreign percent outside the rollout). The person's change is adopted as A's own once
   * A is allowed to override it or opens a new rollout on it; a write that leaves the routing alone
   * (a record-only step) does not adopt it, so the change stays protected for A's later writes.
   */
  private checkOverride(old: KnativeService | undefined, svc: KnativeService, newRollout: boolean): void {
    const actor = this.writerOf(old, svc);
    const argv = this.running.get(actor) ?? [];
    const was = routingOf(old?.spec?.traffic);
    const now = routingOf(svc.spec?.traffic);
    const left = this.left.get(actor);
    const pending = !!left && !sameRouting(was, left);
    const allowed = mayOverride(argv) || (!!old && closesAsUndo(old, svc));
    const found = pending && !allowed && old && left ? checkNoOverride(left, old, svc) : [];
    for (const v of found) this.fail(`bgctl ${argv.join(' ') || '(unknown command)'} as ${actor} ${v}`);
    if (!left || !sameRouting(was, now) || allowed || newRollout) this.left.set(actor, now);
    const st = recordedRollout(svc);
    this.writes.push({
      seq: ++this.seq,
      actor,
      argv,
      pending,
      routingChanged: !sameRouting(was, now),
      override: found.length > 0,
      ...(typeof st === 'object' ? { phase: st.phase } : {}),
    });
  }

  /** Calls `fn` once, after the next write by bgctl (inside its commit: defer any write). */
  afterNextBgctlWrite(fn: () => void): void {
    this.onBgctlWrite.push(fn);
  }

  /**
   * The service as bgctl left it: the stored one, unless the foreign writer changed it since bgctl's
   * last write (then that write's result, and `raced` is true: status may lag behind legitimately).
   */
  asBgctlLeftIt(): { svc: KnativeService | undefined; raced: boolean } {
    const stored = storedService(this.pg.registry, this.service);
    return this.foreignSinceBgctl > 0 && this.lastBgctl
      ? { svc: this.lastBgctl, raced: true }
      : { svc: stored, raced: false };
  }

  /** The checks of a settled point (after a command returned): the same oracle on the stored object. */
  checkpoint(opts: { stateMatch?: boolean } = {}): string[] {
    const reg = this.pg.registry;
    const svc = storedService(reg, this.service);
    if (!svc) return [`service ${this.service} is gone`];
    // The record must match the traffic, except right after someone else changed the routing (and
    // bgctl has not written since): then the record is still as bgctl wrote it while the traffic is
    // the person's — expected, and not bgctl's doing. What bgctl wrote itself was checked when it
    // committed (state match, and that it did not write over the change), so nothing bgctl caused is
    // skipped; the moment bgctl writes again, the stored object is its own and is checked in full.
    const personsSince =
      !!this.lastBgctl && !sameRouting(routingOf(svc.spec?.traffic), routingOf(this.lastBgctl.spec?.traffic));
    const found = [
      ...checkSums(svc, 'spec'),
      ...checkSums(svc, 'status'),
      ...checkRevisionsExist(svc, revisionsOf(reg, this.service)),
      ...checkForeign(svc, this.foreign.values()),
      ...(opts.stateMatch === false || personsSince ? [] : checkStateMatchesTraffic(svc)),
    ];
    for (const v of found) this.fail(v);
    return found;
  }

  /**
   * Starts the foreign writer: every `everyMs` it edits the service like `kubectl edit` would (read, change, PUT with
   * resourceVersion).
   */
  startForeignWriter(rng: Rng, mode: 'tags' | 'percent', everyMs: number): void {
    this.stopForeignWriter();
    this.timer = setInterval(() => this.foreignEdit(rng, mode), everyMs);
  }

  stopForeignWriter(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Adds a foreign tag at 0% on an existing revision (before the run, or from the writer). */
  addForeignTag(revisionName: string): boolean {
    const tag = `ext${++this.tagCounter}`;
    return this.edit((traffic) => {
      traffic.push({ tag, revisionName, percent: 0 });
      return () => this.foreign.set(tag, { tag, revisionName });
    });
  }

  /** Removes one of the foreign writer's own tags (its owner dropping it). */
  removeForeignTag(tag: string): boolean {
    return this.edit((traffic) => {
      const i = traffic.findIndex((t) => t.tag === tag);
      if (i < 0) return undefined;
      traffic.splice(i, 1);
      return () => this.foreign.delete(tag);
    });
  }

  private foreignEdit(rng: Rng, mode: 'tags' | 'percent'): void {
    const reg = this.pg.registry;
    const roll = rng.next();
    if (roll < 0.35) {
      // Only Ready revisions: a tag on a failed one would keep the Route from ever becoming Ready.
      const revs = readyRevisionsOf(reg, this.service);
      if (revs.length && this.foreign.size < 3) this.addForeignTag(rng.pick(revs));
    } else if (roll < 0.5 && this.foreign.size) {
      this.removeForeignTag(rng.pick([...this.foreign.keys()]));
    } else if (mode === 'percent' && roll < 0.65) {
      // Moves 10% between two targets that carry traffic: someone else re-weighting bgctl's split.
      this.edit((traffic) => {
        const carrying = traffic.filter((t) => (t.percent ?? 0) >= 10);
        const other = traffic.filter((t) => t.revisionName && !t.latestRevision && !this.foreign.has(t.tag ?? ''));
        if (!carrying.length || other.length < 2) return undefined;
        const from = rng.pick(carrying);
        const to = rng.pick(other.filter((t) => t !== from));
        if (!to) return undefined;
        from.percent = (from.percent ?? 0) - 10;
        to.percent = (to.percent ?? 0) + 10;
        return () => undefined;
      });
    } else {
      // Metadata only: no traffic change, but a new resourceVersion under bgctl's feet (409s).
      this.edit(() => () => undefined, { 'chaos.bgctl.dev/touched': String(rng.int(0, 1e9)) });
    }
  }

  /**
   * A person's edit of spec.traffic (read, change, PUT like kubectl edit): `change` edits the list in place, false
   * skips.
   */
  personEdit(change: (traffic: TrafficTarget[]) => boolean | void): boolean {
    return this.edit((traffic) => (change(traffic) === false ? undefined : () => undefined));
  }

  /** Read, change, PUT. `change` returns a commit callback, or undefined to skip the write. */
  private edit(
    change: (traffic: TrafficTarget[]) => (() => void) | undefined,
    labels?: Record<string, string>,
  ): boolean {
    const reg = this.pg.registry;
    const obj = reg.tryGet(defs(reg).svc, NS, this.service);
    if (!obj) return false;
    const traffic: TrafficTarget[] = (obj.spec.traffic ?? []).map((t: TrafficTarget) => ({ ...t }));
    const commit = change(traffic);
    if (!commit) return false;
    obj.spec = { ...obj.spec, traffic };
    if (labels) obj.metadata.labels = { ...obj.metadata.labels, ...labels };
    const was = routingOf(reg.tryGet(defs(reg).svc, NS, this.service)?.spec?.traffic);
    this.inForeign = true;
    try {
      reg.update(defs(reg).svc, NS, obj, FOREIGN_USER);
      commit();
      const now = routingOf(traffic);
      if (!sameRouting(was, now)) this.personChanges.push({ seq: ++this.seq, routing: now });
      this.foreignWrites++;
      this.foreignSinceBgctl++;
      return true;
    } catch {
      // Admission may refuse an edit (e.g. traffic without percent while the template changes); a real user would
      // retry.
      return false;
    } finally {
      this.inForeign = false;
    }
  }

  /** Detaches from the registry. */
  stop(): void {
    this.stopForeignWriter();
    this.stopFeed();
  }
}
