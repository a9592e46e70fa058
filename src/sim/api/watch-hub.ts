// Watchers indexed by resource: initial ADDED events, replay from the history, 410 for a
// too-old resourceVersion, selector transitions and bookmarks.
import type { KObject, ResourceDef, WatchEvent, WatchOptions } from './contracts.js';
import type { Matcher } from './selectors.js';
import { failure } from './status.js';
import type { HistoryEntry, Store } from './store.js';

interface Watcher {
  namespace: string | undefined;
  match: Matcher;
  onEvent: (ev: WatchEvent) => void;
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

/** Fans committed changes out to watchers; one copy per event is shared by all its watchers. */
export class WatchHub {
  private readonly byDef = new Map<ResourceDef, Set<Watcher>>();

  constructor(
    private readonly store: Store,
    private readonly bookmarkIntervalMs: number,
  ) {}

  watch(
    def: ResourceDef,
    namespace: string | undefined,
    match: Matcher,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent) => void,
  ): () => void {
    const rvText = opts.resourceVersion;
    if (rvText !== undefined && rvText !== '' && !/^\d+$/.test(rvText)) {
      throw failure(
        422,
        'Invalid',
        `resourceVersion: Invalid value: ${JSON.stringify(rvText)}: must be a non-negative integer`,
        {
          causes: [
            {
              reason: 'FieldValueInvalid',
              message: `Invalid value: ${JSON.stringify(rvText)}: must be a non-negative integer`,
              field: 'resourceVersion',
            },
          ],
        },
      );
    }
    const w: Watcher = { namespace, match, onEvent, stopped: false };
    const stop = (): void => {
      w.stopped = true;
      if (w.timer) clearInterval(w.timer);
      this.byDef.get(def)?.delete(w);
    };
    const rv = rvText ? Number(rvText) : 0;
    if (rv === 0) {
      // "0" or unset: the current state as ADDED events, then live changes.
      for (const ns of this.store.namespaces(def, namespace)) {
        const b = this.store.bucket(def, ns)!;
        for (const name of b.names) {
          const obj = b.objs.get(name)!;
          if (match(obj)) onEvent({ type: 'ADDED', object: structuredClone(obj) });
        }
      }
    } else {
      if (rv < this.store.oldestReplayable()) {
        onEvent({
          type: 'ERROR',
          object: failure(410, 'Expired', `too old resource version: ${rv} (${this.store.oldestReplayable()})`).status,
        });
        return () => {};
      }
      for (const e of this.store.since(rv)) {
        if (e.def !== def) continue;
        const ev = this.translate(w, e);
        if (ev) onEvent({ type: ev.type, object: structuredClone(ev.object) });
      }
    }
    if (w.stopped) return stop;
    let set = this.byDef.get(def);
    if (!set) this.byDef.set(def, (set = new Set()));
    set.add(w);
    if (opts.allowWatchBookmarks && this.bookmarkIntervalMs > 0) {
      w.timer = setInterval(() => {
        const object = {
          apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
          kind: def.kind,
          metadata: { resourceVersion: String(this.store.currentRv()) },
        };
        // Upstream bookmarks carry only the kind and metadata.resourceVersion.
        w.onEvent({ type: 'BOOKMARK', object: object as unknown as KObject });
      }, this.bookmarkIntervalMs);
      w.timer.unref();
    }
    return stop;
  }

  /** Delivers one committed change to the watchers of its resource. */
  publish(e: HistoryEntry): void {
    const set = this.byDef.get(e.def);
    if (!set?.size) return;
    let shared: KObject | undefined;
    for (const w of [...set]) {
      if (w.stopped) continue;
      const ev = this.translate(w, e);
      if (!ev) continue;
      const object = ev.object === e.object ? (shared ??= structuredClone(e.object)) : structuredClone(ev.object);
      try {
        w.onEvent({ type: ev.type, object });
      } catch {
        // A broken watcher (closed socket) must not affect the others.
      }
    }
  }

  closeAll(): void {
    for (const set of this.byDef.values()) {
      for (const w of set) {
        w.stopped = true;
        if (w.timer) clearInterval(w.timer);
      }
      set.clear();
    }
  }

  /** The event this watcher sees: selector transitions turn MODIFIED into ADDED or DELETED. */
  private translate(
    w: Watcher,
    e: HistoryEntry,
  ): { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KObject } | undefined {
    if (w.namespace !== undefined && e.namespace !== w.namespace) return undefined;
    if (e.type !== 'MODIFIED') return w.match(e.object) ? { type: e.type, object: e.object } : undefined;
    const now = w.match(e.object);
    const before = e.old ? w.match(e.old) : false;
    if (now && before) return { type: 'MODIFIED', object: e.object };
    if (now) return { type: 'ADDED', object: e.object };
    if (before) {
      // The previous content with the new resourceVersion (cache_watcher.go convertToWatchEvent).
      const gone = structuredClone(e.old!);
      gone.metadata.resourceVersion = e.object.metadata.resourceVersion;
      return { type: 'DELETED', object: gone };
    }
    return undefined;
  }
}
