// Indexes the controllers keep from the registry's change feed, so a pass looks up the few objects
// it needs instead of listing (and copying) the whole namespace: with a burst of Services that made
// every event cost O(namespace). The feed is delivered synchronously on each commit, so a lookup
// sees the controllers' own writes. Every lookup answers names in sorted order, as a LIST would.
import type { KObject, Registry, ResourceDef } from '../api/contracts.js';
import { listValue } from './annotations.js';
import { A, L } from './constants.js';
import { KINDS, type Kind, type Runtime } from './runtime.js';

/** Object names under string keys, with the keys each object is filed under (to refile it on change). */
class NameIndex {
  private readonly names = new Map<string, Set<string>>();
  private readonly filedUnder = new Map<string, string[]>();

  /** Files `ns/name` under exactly `keys` (an empty list removes it). */
  set(ns: string, name: string, keys: string[]): void {
    const id = `${ns}/${name}`;
    for (const k of this.filedUnder.get(id) ?? []) {
      const set = this.names.get(k)!;
      set.delete(name);
      if (set.size === 0) this.names.delete(k);
    }
    const unique = [...new Set(keys.map((k) => `${ns}/${k}`))];
    if (unique.length) this.filedUnder.set(id, unique);
    else this.filedUnder.delete(id);
    for (const k of unique) {
      let set = this.names.get(k);
      if (!set) this.names.set(k, (set = new Set()));
      set.add(name);
    }
  }

  /** The names filed under `key` in `ns`, sorted. */
  get(ns: string, key: string): string[] {
    return [...(this.names.get(`${ns}/${key}`) ?? [])].sort();
  }
}

/** What the controllers look up by reference rather than by name, kept current from the registry's change feed. */
export class Lookups {
  private readonly unsubscribe: () => void;

  /** Revisions by their `serving.knative.dev/configuration` label. */
  private readonly revisionsByConfig = new NameIndex();
  /** Routes by the `revisionName:` / `configurationName:` targets of their spec.traffic. */
  private readonly routesByTarget = new NameIndex();
  /** Revisions and configurations by the routes their `serving.knative.dev/routes` annotation lists. */
  private readonly labeledFor: Record<'revisions' | 'configurations', NameIndex> = {
    revisions: new NameIndex(),
    configurations: new NameIndex(),
  };

  constructor(registry: Registry, defs: Record<Kind, ResourceDef>) {
    for (const k of KINDS) for (const o of registry.list(defs[k], undefined).items) this.observe(k, o, false);
    this.unsubscribe = registry.onChange((ev) => {
      const kind = ev.resource.plural as Kind;
      if (ev.resource.group === defs.services.group && KINDS.includes(kind))
        this.observe(kind, ev.object, ev.type === 'DELETED');
    });
  }

  /** Stops following the registry. */
  stop(): void {
    this.unsubscribe();
  }

  /** Records a stored object (`deleted`: no longer stored). */
  private observe(kind: Kind, obj: KObject, deleted: boolean): void {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name;
    if (kind === 'revisions') {
      const config = obj.metadata.labels?.[L.configuration];
      this.revisionsByConfig.set(ns, name, !deleted && config !== undefined ? [config] : []);
    }
    if (kind === 'routes') {
      const keys: string[] = [];
      if (!deleted)
        for (const t of (obj.spec?.traffic ?? []) as Record<string, unknown>[]) {
          if (typeof t.revisionName === 'string') keys.push(`revisionName:${t.revisionName}`);
          if (typeof t.configurationName === 'string') keys.push(`configurationName:${t.configurationName}`);
        }
      this.routesByTarget.set(ns, name, keys);
    }
    if (kind === 'revisions' || kind === 'configurations')
      this.labeledFor[kind].set(ns, name, deleted ? [] : listValue(obj.metadata.annotations?.[A.routes]));
  }

  /** Names of the revisions labelled as `config`'s. */
  revisionsOf(ns: string, config: string): string[] {
    return this.revisionsByConfig.get(ns, config);
  }

  /** Names of the routes whose spec.traffic has a target with `field` equal to `name`. */
  routesNaming(ns: string, field: 'revisionName' | 'configurationName', name: string): string[] {
    return this.routesByTarget.get(ns, `${field}:${name}`);
  }

  /** Names of the objects of `kind` whose routes annotation lists `route`. */
  labeledForRoute(kind: 'revisions' | 'configurations', ns: string, route: string): string[] {
    return this.labeledFor[kind].get(ns, route);
  }
}

/** The revisions labelled as `config`'s, in name order (as a LIST with that label selector). */
export function revisionsOf(rt: Runtime, config: KObject): KObject[] {
  const ns = config.metadata.namespace!;
  return rt.lookups.revisionsOf(ns, config.metadata.name).flatMap((name) => {
    const rev = rt.get('revisions', ns, name);
    return rev && rev.metadata.labels?.[L.configuration] === config.metadata.name ? [rev] : [];
  });
}
