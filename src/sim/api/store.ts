// The in-memory object store: buckets indexed by resource and namespace, a global resourceVersion,
// a bounded event history (for watch resumption and consistent list snapshots).
import type { ChangeType, KObject, ResourceDef } from './contracts.js';

/** One committed change, kept in the history. Objects are never mutated after they are stored. */
export interface HistoryEntry {
  rv: number;
  type: ChangeType;
  def: ResourceDef;
  namespace: string;
  object: KObject;
  old?: KObject;
}

class NsBucket {
  readonly objs = new Map<string, KObject>();
  private sorted: string[] | undefined;
  names(): string[] {
    return (this.sorted ??= [...this.objs.keys()].sort());
  }
  set(name: string, obj: KObject): void {
    if (!this.objs.has(name)) this.sorted = undefined;
    this.objs.set(name, obj);
  }
  delete(name: string): void {
    if (this.objs.delete(name)) this.sorted = undefined;
  }
}

/** Storage with history; knows nothing about API semantics. */
export class Store {
  private rv = 0;
  private readonly buckets = new Map<ResourceDef, Map<string, NsBucket>>();
  private readonly history: HistoryEntry[] = [];
  private historyHead = 0;
  /** Every RV greater than this can be replayed from the history. */
  private historyFloor = 0;

  constructor(private readonly historyLimit: number) {}

  currentRv(): number {
    return this.rv;
  }

  nextRv(): number {
    return ++this.rv;
  }

  oldestReplayable(): number {
    return this.historyFloor;
  }

  get(def: ResourceDef, namespace: string, name: string): KObject | undefined {
    return this.buckets.get(def)?.get(namespace)?.objs.get(name);
  }

  put(def: ResourceDef, namespace: string, obj: KObject): void {
    let byNs = this.buckets.get(def);
    if (!byNs) this.buckets.set(def, (byNs = new Map()));
    let b = byNs.get(namespace);
    if (!b) byNs.set(namespace, (b = new NsBucket()));
    b.set(obj.metadata.name, obj);
  }

  remove(def: ResourceDef, namespace: string, name: string): void {
    const byNs = this.buckets.get(def);
    const b = byNs?.get(namespace);
    b?.delete(name);
    if (b && b.objs.size === 0) byNs!.delete(namespace);
  }

  record(entry: HistoryEntry): void {
    this.history.push(entry);
    if (this.history.length - this.historyHead > this.historyLimit) {
      this.historyFloor = this.history[this.historyHead].rv;
      this.historyHead++;
      // Compact now and then instead of shifting on every write.
      if (this.historyHead > 1024 && this.historyHead > this.history.length / 2) {
        this.history.splice(0, this.historyHead);
        this.historyHead = 0;
      }
    }
  }

  /** History entries with rv > after, oldest first. */
  since(after: number): HistoryEntry[] {
    let lo = this.historyHead;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid].rv <= after) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /** Namespaces (sorted) that hold objects of `def`, restricted to `namespace` when given. */
  namespaces(def: ResourceDef, namespace: string | undefined): string[] {
    const byNs = this.buckets.get(def);
    if (!byNs) return [];
    if (namespace !== undefined) return byNs.has(namespace) ? [namespace] : [];
    return [...byNs.keys()].sort();
  }

  /** Sorted names and the live map of one namespace bucket. */
  bucket(def: ResourceDef, namespace: string): { names: string[]; objs: Map<string, KObject> } | undefined {
    const b = this.buckets.get(def)?.get(namespace);
    return b ? { names: b.names(), objs: b.objs } : undefined;
  }

  /** Every object of every resource in a namespace (for GC and namespace deletion). */
  *inNamespace(namespace: string): Generator<[ResourceDef, KObject]> {
    for (const [def, byNs] of this.buckets) {
      const b = byNs.get(namespace);
      if (b) for (const o of [...b.objs.values()]) yield [def, o];
    }
  }
}
