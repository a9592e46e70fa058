// One watch of every Knative Service of a namespace, shared by the waits of a fleet: each wait subscribes to its
// service's events instead of opening its own watch. A LIST fills a cache first (and again after a 410 Expired), so a
// wait that subscribes late starts from the latest state it has not seen. A subscription looks to follow.ts like the
// per-service watch it replaces (client.watchService); when sharing cannot work (resourceVersions that are not
// decimal numbers, a refused namespace-wide LIST or watch) subscribe() says so and the caller watches on its own.
import type { BgctlError } from '../core/errors.js';
import type { KnativeService } from '../core/knative-types.js';
import type { WatchEventType, WatchHandle } from './client.js';
import { transientOf } from './errors.js';
import { backoffDelay, defaultRetryPolicy, type RetryPolicy } from './retry.js';

/** The namespace-wide LIST and watch the shared watch is made of. */
export interface NamespaceSource {
  list(): Promise<{ items: KnativeService[]; resourceVersion: string }>;
  watch(
    resourceVersion: string,
    onEvent: (type: WatchEventType, obj: any) => void,
    onDone: (err: BgctlError | null) => void,
  ): Promise<WatchHandle>;
}

type OnEvent = (type: WatchEventType, obj: any) => void;
type OnDone = (err: BgctlError | null) => void;

interface Subscriber {
  name: string;
  /** The newest resourceVersion this subscriber has seen: only later states are passed on. */
  floor: bigint;
  onEvent: OnEvent;
  onDone: OnDone;
}

/**
 * A resourceVersion as a number, or undefined. Kubernetes calls them opaque, but etcd-backed servers hand out
 * decimal revisions that only grow; ordering is needed to tell a newer state from one the subscriber already has.
 */
export function parseResourceVersion(rv: string | undefined): bigint | undefined {
  return rv !== undefined && /^(0|[1-9][0-9]{0,30})$/.test(rv) ? BigInt(rv) : undefined;
}

export class NamespaceWatch {
  readonly #subs = new Set<Subscriber>();
  readonly #policy: RetryPolicy;
  readonly #maxFailures: number;
  readonly #stop = new AbortController();
  /** The services as of #rv; undefined until the first LIST. */
  #cache: Map<string, KnativeService> | undefined;
  #rv = 0n;
  #relist = false;
  #handle: WatchHandle | undefined;
  #connecting = false;
  /** Sharing does not work here (see the file comment): every subscriber watches on its own. */
  #unavailable = false;
  #failures = 0;
  #emptyCloses = 0;
  #eventsThisStream = 0;

  constructor(
    private readonly source: NamespaceSource,
    opts: { retry?: Partial<RetryPolicy>; maxReconnectFailures?: number } = {},
  ) {
    this.#policy = defaultRetryPolicy(opts.retry);
    this.#maxFailures = opts.maxReconnectFailures ?? 5;
  }

  /** Whether the namespace's stream is open (for tests). */
  get streaming(): boolean {
    return this.#handle !== undefined;
  }

  /**
   * Passes on the events of service `name` newer than `resourceVersion`, as a watch of that service from there would;
   * undefined: not shareable, the caller opens its own watch.
   */
  subscribe(
    name: string,
    resourceVersion: string | undefined,
    onEvent: OnEvent,
    onDone: OnDone,
  ): WatchHandle | undefined {
    const floor = parseResourceVersion(resourceVersion);
    if (this.#unavailable || this.#stop.signal.aborted || floor === undefined) return undefined;
    const sub: Subscriber = { name, floor, onEvent, onDone };
    this.#subs.add(sub);
    // After the handle is returned, like a stream's first event.
    if (this.#cache) queueMicrotask(() => this.#catchUp(sub));
    void this.#connect();
    return { stop: () => void this.#subs.delete(sub) };
  }

  /** Ends the stream; later subscriptions are refused (their callers watch on their own). */
  close(): void {
    this.#stop.abort();
    this.#handle?.stop();
    this.#handle = undefined;
    this.#subs.clear();
  }

  /** Hands a subscriber the cached state of its service when it is newer than what it has seen (or its deletion). */
  #catchUp(sub: Subscriber): void {
    if (!this.#subs.has(sub) || !this.#cache) return;
    const svc = this.#cache.get(sub.name);
    if (svc) {
      const rv = parseResourceVersion(svc.metadata.resourceVersion);
      if (rv !== undefined && rv > sub.floor) {
        sub.floor = rv;
        sub.onEvent('MODIFIED', svc);
      }
    } else if (this.#rv >= sub.floor) {
      // It existed at the subscriber's resourceVersion and is absent from a later complete LIST: deleted.
      this.#subs.delete(sub);
      sub.onEvent('DELETED', { metadata: { name: sub.name, resourceVersion: String(this.#rv) } });
    }
  }

  #giveUp(err: BgctlError | null, unavailable: boolean): void {
    if (unavailable) this.#unavailable = true;
    this.#handle?.stop();
    this.#handle = undefined;
    // Each subscriber's follow decides what the error means (or, with null, resumes on its own watch).
    const subs = [...this.#subs];
    this.#subs.clear();
    for (const s of subs) s.onDone(err);
  }

  async #connect(): Promise<void> {
    if (this.#connecting || this.#handle || this.#stop.signal.aborted || this.#unavailable) return;
    this.#connecting = true;
    try {
      if (!this.#cache || this.#relist) {
        const snap = await this.source.list();
        const rv = parseResourceVersion(snap.resourceVersion);
        if (rv === undefined) return this.#giveUp(null, true);
        this.#cache = new Map(snap.items.map((s) => [s.metadata.name, s]));
        this.#rv = rv;
        this.#relist = false;
        for (const s of [...this.#subs]) this.#catchUp(s);
      }
      if (this.#stop.signal.aborted) return;
      this.#eventsThisStream = 0;
      const h = await this.source.watch(
        String(this.#rv),
        (t, o) => this.#onEvent(t, o),
        (e) => this.#onDone(e),
      );
      if (this.#stop.signal.aborted) h.stop();
      else this.#handle = h;
    } catch (err) {
      this.#onFailure(err as BgctlError);
    } finally {
      this.#connecting = false;
    }
  }

  #onEvent(type: WatchEventType, obj: any): void {
    if (this.#stop.signal.aborted) return;
    if (type === 'ERROR') {
      // 410 Expired: the resourceVersion fell out of the server's history; the server closes the stream next.
      // Not progress: a stream that only expires counts as empty, so a 410 storm backs off instead of spinning.
      if (obj?.code === 410) this.#relist = true;
      return;
    }
    this.#eventsThisStream++;
    this.#failures = 0;
    this.#emptyCloses = 0;
    const rv = parseResourceVersion(obj?.metadata?.resourceVersion);
    if (rv === undefined) return this.#giveUp(null, true);
    this.#rv = rv;
    if (type === 'BOOKMARK') return;
    const name: string = obj.metadata.name;
    if (type === 'DELETED') this.#cache?.delete(name);
    else this.#cache?.set(name, obj as KnativeService);
    for (const s of [...this.#subs]) {
      if (s.name !== name || rv <= s.floor || !this.#subs.has(s)) continue;
      s.floor = rv;
      if (type === 'DELETED') this.#subs.delete(s);
      s.onEvent(type, obj);
    }
  }

  #onDone(err: BgctlError | null): void {
    this.#handle = undefined;
    if (this.#stop.signal.aborted) return;
    if (err && err.reason !== 'Expired') return this.#onFailure(err);
    if (err) this.#relist = true;
    if (this.#eventsThisStream === 0) this.#emptyCloses++;
    this.#reconnect();
  }

  #onFailure(err: BgctlError): void {
    if (this.#stop.signal.aborted) return;
    // Refused or not understood (403, an object that is not a Service): the per-service watches may still work.
    if (!transientOf(err)) return this.#giveUp(null, true);
    if (++this.#failures > this.#maxFailures) {
      this.#failures = 0;
      return this.#giveUp(err, false);
    }
    this.#reconnect();
  }

  /** Resumed at once after a clean stream with events; repeated empty or failed streams back off. */
  #reconnect(): void {
    const n = Math.max(this.#failures, this.#emptyCloses);
    const ms = n > 1 ? backoffDelay(Math.min(n - 2, 6), this.#policy) : 0;
    (ms ? this.#policy.sleep(ms, this.#stop.signal) : Promise.resolve()).then(
      () => this.#connect(),
      () => undefined,
    );
  }
}
