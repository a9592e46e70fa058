// kube-apiserver semantics over the in-memory store: create/update/patch/delete with
// resourceVersion, generation, admission, managed fields, finalizers, GC, list and watch.
import { randomUUID } from 'node:crypto';
import type {
  AdmissionHooks,
  ChangeEvent,
  ChangeType,
  KObject,
  ListOptions,
  ListResult,
  PatchType,
  Registry,
  RequestContext,
  ResourceDef,
  Status,
  WatchEvent,
  WatchOptions,
} from './contracts.js';
import { listObjects } from './list.js';
import { applyFields, managedFieldsGiven, recordUpdate, refuseUntypableApply } from './managed-fields.js';
import { deepEqual, isObj, jsonPatch, mergePatch, strictPatchDecodeError } from './patch.js';
import { apiVersionOf, defaultResources } from './resources.js';
import { compileSelectors } from './selectors.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  failure,
  forbidden,
  invalidStore,
  notFound,
  unsupportedMediaType,
  CR_PATCH_TYPES,
} from './status.js';
import { generateName, ordered, timestamp, withoutMetaStatus, withoutVolatile } from './object-meta.js';
import { Store, type HistoryEntry } from './store.js';
import { applySchema, checkName, checkStringMaps } from './validation.js';
import { WatchHub } from './watch-hub.js';
import { systemClock, type SimClock } from '../clock.js';

export interface RegistryOptions {
  /** How many changes the watch history keeps (older resume points get 410). Default 5000. */
  historyLimit?: number;
  /** How often watches with allowWatchBookmarks get a BOOKMARK. Default 60 s, as upstream. */
  bookmarkIntervalMs?: number;
  /** Clock, for timestamps; default `clock`'s time. */
  now?: () => Date;
  /** What the garbage collector and namespace deletion wait on; default the system clock. */
  clock?: SimClock;
  /** Resources served besides namespaces and the Knative kinds (e.g. Flagger's Canary), stored as given. */
  extraResources?: ResourceDef[];
}

/** The Registry plus the playground's housekeeping. */
export interface SimRegistry extends Registry {
  /** Stops background work (namespace deletion, GC, bookmarks) and ends every watch. */
  close(): void;
}

const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);
const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';
const GC_USER = 'system:serviceaccount:kube-system:generic-garbage-collector';
const NS_USER = 'system:serviceaccount:kube-system:namespace-controller';

type WriteCtx = RequestContext & { force?: boolean; subresource?: 'status' };

/** Creates an empty registry serving namespaces and the Knative serving kinds. */
export function createRegistry(opts: RegistryOptions = {}): SimRegistry {
  return new MemoryRegistry(opts);
}

class MemoryRegistry implements SimRegistry {
  private readonly defs: ResourceDef[];
  private readonly nsDef: ResourceDef;
  private readonly admission = new Map<ResourceDef, AdmissionHooks>();
  private readonly store: Store;
  private readonly hub: WatchHub;
  private readonly listeners = new Set<(ev: ChangeEvent) => void>();
  private readonly queue: HistoryEntry[] = [];
  private dispatching = false;
  private readonly timers = new Set<() => void>();
  /** uid of every stored object (to where it is), and owner uid -> dependents (GC without scanning namespaces). */
  private readonly liveUids = new Map<string, [ResourceDef, string, string]>();
  private readonly dependents = new Map<string, Map<string, [ResourceDef, string, string]>>();
  private closed = false;
  private readonly now: () => Date;
  private readonly clock: SimClock;

  constructor(opts: RegistryOptions) {
    this.defs = [...defaultResources(), ...(opts.extraResources ?? [])];
    this.nsDef = this.defs[0];
    this.store = new Store(opts.historyLimit ?? 5000);
    this.hub = new WatchHub(this.store, opts.bookmarkIntervalMs ?? 60_000);
    this.clock = opts.clock ?? systemClock;
    this.now = opts.now ?? (() => new Date(this.clock.now()));
  }

  resources(): ResourceDef[] {
    return this.defs;
  }

  resource(plural: string, group: string): ResourceDef | undefined {
    return this.defs.find((d) => d.plural === plural && d.group === group);
  }

  setAdmission(def: ResourceDef, hooks: AdmissionHooks): void {
    this.admission.set(this.canonical(def), hooks);
  }

  currentResourceVersion(): number {
    return this.store.currentRv();
  }

  onChange(listener: (ev: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    this.hub.closeAll();
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): KObject {
    const obj = this.tryGet(def, namespace, name);
    if (!obj) throw notFound(def, name);
    return obj;
  }

  tryGet(def: ResourceDef, namespace: string | undefined, name: string): KObject | undefined {
    const o = this.store.get(this.canonical(def), this.nsKey(def, namespace), name);
    return o && structuredClone(o);
  }

  list(def: ResourceDef, namespace: string | undefined, opts: ListOptions = {}): ListResult {
    def = this.canonical(def);
    return listObjects(this.store, def, def.namespaced ? namespace : undefined, opts, def === this.nsDef);
  }

  watch(
    def: ResourceDef,
    namespace: string | undefined,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent) => void,
  ): () => void {
    def = this.canonical(def);
    const match = compileSelectors(opts.labelSelector, opts.fieldSelector, def === this.nsDef);
    return this.hub.watch(def, def.namespaced ? namespace : undefined, match, opts, onEvent);
  }

  create(def: ResourceDef, namespace: string | undefined, obj: KObject, ctx: RequestContext): KObject {
    return this.doCreate(this.canonical(def), namespace, obj, ctx, false);
  }

  private doCreate(
    def: ResourceDef,
    namespace: string | undefined,
    obj: KObject,
    ctx: RequestContext,
    applied: boolean,
  ): KObject {
    const ns = this.nsKey(def, namespace);
    if (!isObj(obj) || !isObj(obj.metadata)) {
      if (!isObj(obj)) throw badRequest("Object 'Kind' is missing in request body");
      obj = { ...obj, metadata: { name: '' } } as KObject;
    }
    const next = structuredClone(obj);
    this.checkTypeMeta(def, next);
    this.checkBodyNamespace(def, ns, next);
    if (!next.metadata.name && next.metadata.generateName) {
      next.metadata.name = generateName(next.metadata.generateName);
    }
    this.checkNamespaceLifecycle(def, ns, next.metadata.name ?? '');
    // Ownership is of the object as the client sent it: what admission adds belongs to nobody.
    const sent = applied ? undefined : structuredClone(next);
    this.admit(def, next, undefined, ctx);
    if (this.store.get(def, ns, next.metadata.name)) {
      throw alreadyExists(def, next.metadata.name, obj.metadata?.name ? undefined : 1);
    }
    const meta = next.metadata;
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp(this.now());
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (!applied) delete meta.managedFields;
    if (def.namespaced) meta.namespace = ns;
    else delete meta.namespace;
    if (def === this.nsDef) {
      delete meta.generation;
      next.spec = { ...(isObj(next.spec) ? next.spec : {}), finalizers: ['kubernetes'] };
      next.status = { phase: 'Active' };
      meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': meta.name };
    } else {
      meta.generation = 1;
      if (def.hasStatus) delete next.status;
    }
    // A dry run answers with the managedFields the write would store, as the apiserver does.
    if (sent) {
      delete sent.metadata.managedFields;
      // Go's defaulting (SetDefaults_Namespace) adds this label when the request is decoded.
      if (def === this.nsDef) sent.metadata.labels = { ...meta.labels };
      recordUpdate(undefined, sent, this.manager(ctx), def, meta.creationTimestamp);
      if (sent.metadata.managedFields) meta.managedFields = sent.metadata.managedFields;
    }
    if (ctx.dryRun) return ordered(next);
    return structuredClone(this.commit('ADDED', def, ns, next));
  }

  update(def: ResourceDef, namespace: string | undefined, obj: KObject, ctx: RequestContext): KObject {
    def = this.canonical(def);
    // Custom resources forbid unconditional updates; namespaces allow them.
    return this.writeUpdate(def, namespace, obj, ctx, { requireRv: def.group !== '' });
  }

  updateStatus(def: ResourceDef, namespace: string | undefined, obj: KObject, ctx: RequestContext): KObject {
    def = this.canonical(def);
    return this.writeUpdate(def, namespace, obj, ctx, { requireRv: def.group !== '', subresource: 'status' });
  }

  patch(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    ctx: WriteCtx,
  ): { object: KObject; created: boolean } {
    def = this.canonical(def);
    if (type === 'strategic' && def.group !== '') throw unsupportedMediaType(CR_PATCH_TYPES);
    if (ctx.force !== undefined && type !== 'apply') {
      throw failure(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
        {
          group: 'meta.k8s.io',
          kind: 'PatchOptions',
          causes: [
            {
              reason: 'FieldValueForbidden',
              message: 'Forbidden: may not be specified for non-apply patch',
              field: 'force',
            },
          ],
        },
      );
    }
    if (type === 'apply' && !ctx.fieldManager) {
      throw failure(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        {
          group: 'meta.k8s.io',
          kind: 'PatchOptions',
          causes: [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: is required for apply patch',
              field: 'fieldManager',
            },
          ],
        },
      );
    }
    const ns = this.nsKey(def, namespace);
    const stored = this.store.get(def, ns, name);
    const sub = ctx.subresource;
    if (type === 'apply') {
      if (!isObj(body) || !isObj(body.metadata))
        throw badRequest('error decoding YAML: the body of an apply patch must be an object with metadata');
      const applied = structuredClone(body) as KObject;
      delete applied.metadata.managedFields;
      if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
        throw badRequest(
          `the name of the object (${String(applied.metadata.name)}) does not match the name on the URL (${name})`,
        );
      }
      applied.metadata.name = name;
      this.checkTypeMeta(def, applied);
      refuseUntypableApply(applied);
      if (!stored) {
        if (sub) throw notFound(def, name);
        const created = applyFields(undefined, applied, ctx.fieldManager!, true, def, timestamp(this.now()));
        return { object: this.doCreate(def, namespace, created, ctx, true), created: true };
      }
      const merged = applyFields(
        stored,
        applied,
        ctx.fieldManager!,
        Boolean(ctx.force),
        def,
        timestamp(this.now()),
        sub,
      );
      merged.metadata.resourceVersion = stored.metadata.resourceVersion;
      return {
        object: this.writeUpdate(def, namespace, merged, ctx, {
          requireRv: false,
          subresource: sub,
          managed: true,
          asPatch: JSON.stringify(body),
        }),
        created: false,
      };
    }
    if (!stored) throw notFound(def, name);
    const decodeError =
      ctx.fieldValidation === 'Ignore' || type === 'strategic' ? undefined : strictPatchDecodeError(type, body);
    if (decodeError) throw badRequest(`error decoding patch: ${decodeError}`);
    let patched: unknown;
    if (type === 'json') patched = jsonPatch(stored, body);
    else {
      if (!isObj(body))
        throw badRequest(
          `json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} ` +
            'into Go value of type map[string]interface {}',
        );
      patched = mergePatch(stored, body);
    }
    if (!isObj(patched) || !isObj(patched.metadata)) throw badRequest('the patch produced an object without metadata');
    const p = patched as KObject;
    if (p.metadata.name !== name)
      throw badRequest(
        `the name of the object (${String(p.metadata.name)}) does not match the name on the URL (${name})`,
      );
    return {
      object: this.writeUpdate(def, namespace, p, ctx, {
        requireRv: false,
        subresource: sub,
        asPatch: JSON.stringify(body),
      }),
      created: false,
    };
  }

  delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    ctx: RequestContext & { preconditions?: { uid?: string; resourceVersion?: string }; propagationPolicy?: string },
  ): { object: KObject; status?: Status } {
    def = this.canonical(def);
    const ns = this.nsKey(def, namespace);
    const cur = this.store.get(def, ns, name);
    if (!cur) throw notFound(def, name);
    if (def === this.nsDef && IMMORTAL_NAMESPACES.has(name))
      throw forbidden(def, name, 'this namespace may not be deleted');
    const pre = ctx.preconditions;
    if (pre?.uid && pre.uid !== cur.metadata.uid) {
      throw conflict(
        def,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(
        def,
        name,
        `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match ` +
          `the ResourceVersion in record (${cur.metadata.resourceVersion}). The object might have been modified`,
      );
    }
    const success = (obj: KObject): Status =>
      ({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, ...(def.group ? { group: def.group } : {}), kind: def.plural, uid: obj.metadata.uid },
      }) as Status;
    if (ctx.dryRun) return { object: structuredClone(cur), status: def === this.nsDef ? undefined : success(cur) };
    if (def !== this.nsDef && orphaning(cur, ctx.propagationPolicy)) {
      // As the apiserver does: the owner holds the orphan finalizer, deleting, until the GC has
      // released its dependents; the answer is the object, not a Status.
      const next = structuredClone(cur);
      const others = (cur.metadata.finalizers ?? []).filter((f) => f !== ORPHAN && f !== FOREGROUND);
      next.metadata.finalizers = [...others, ORPHAN];
      if (!next.metadata.deletionTimestamp) {
        next.metadata.deletionTimestamp = timestamp(this.now());
        next.metadata.deletionGracePeriodSeconds = 0;
        if (next.metadata.generation !== undefined) next.metadata.generation++;
      }
      const saved = deepEqual(next.metadata, cur.metadata) ? cur : this.commit('MODIFIED', def, ns, next, cur);
      const uid = cur.metadata.uid!;
      this.later(() => this.orphanSweep(def, ns, name, uid), 0);
      return { object: structuredClone(saved) };
    }
    if (def !== this.nsDef && inForeground(cur, ctx.propagationPolicy)) {
      // The owner stays, deleting, until the GC has removed its dependents (foregroundDeletion): the
      // apiserver adds the finalizer whether or not there are dependents, the GC takes it off.
      if (cur.metadata.finalizers?.includes(FOREGROUND) && cur.metadata.deletionTimestamp)
        return { object: structuredClone(cur) };
      const next = structuredClone(cur);
      if (!next.metadata.deletionTimestamp) {
        next.metadata.deletionTimestamp = timestamp(this.now());
        next.metadata.deletionGracePeriodSeconds = 0;
        if (next.metadata.generation !== undefined) next.metadata.generation++;
      }
      next.metadata.finalizers = [
        ...(next.metadata.finalizers ?? []).filter((f) => f !== ORPHAN && f !== FOREGROUND),
        FOREGROUND,
      ];
      const saved = this.commit('MODIFIED', def, ns, next, cur);
      const uid = cur.metadata.uid!;
      this.later(() => this.foregroundSweep(def, ns, name, uid), 0);
      return { object: structuredClone(saved) };
    }
    if (def === this.nsDef) {
      if (cur.metadata.deletionTimestamp) return { object: structuredClone(cur) };
      const next = structuredClone(cur);
      next.metadata.deletionTimestamp = timestamp(this.now());
      next.status = { ...(next.status ?? {}), phase: 'Terminating' };
      const saved = this.commit('MODIFIED', def, ns, next, cur);
      this.later(() => this.sweepNamespace(name), 0);
      return { object: structuredClone(saved) };
    }
    // An explicit Background policy takes the GC's own finalizers off, as the apiserver does.
    const kept =
      ctx.propagationPolicy === 'Background'
        ? cur.metadata.finalizers?.filter((f) => f !== ORPHAN && f !== FOREGROUND)
        : cur.metadata.finalizers;
    if (kept?.length) {
      if (cur.metadata.deletionTimestamp && kept.length === cur.metadata.finalizers!.length)
        return { object: structuredClone(cur) };
      const next = structuredClone(cur);
      next.metadata.finalizers = kept;
      if (cur.metadata.deletionTimestamp)
        return { object: structuredClone(this.commit('MODIFIED', def, ns, next, cur)) };
      next.metadata.deletionTimestamp = timestamp(this.now());
      next.metadata.deletionGracePeriodSeconds = 0;
      if (next.metadata.generation !== undefined) next.metadata.generation++;
      return { object: structuredClone(this.commit('MODIFIED', def, ns, next, cur)) };
    }
    const last = structuredClone(cur);
    if (cur.metadata.finalizers) delete last.metadata.finalizers;
    const gone = this.removeNow(def, ns, last, cur);
    return { object: structuredClone(gone), status: success(gone) };
  }

  private writeUpdate(
    def: ResourceDef,
    namespace: string | undefined,
    obj: KObject,
    ctx: WriteCtx,
    how: { requireRv: boolean; subresource?: 'status'; managed?: boolean; asPatch?: string },
  ): KObject {
    const ns = this.nsKey(def, namespace);
    if (!isObj(obj) || !isObj(obj.metadata)) throw badRequest("Object 'Kind' is missing in request body");
    const name = obj.metadata.name;
    this.checkTypeMeta(def, obj);
    this.checkBodyNamespace(def, ns, obj);
    const cur = this.store.get(def, ns, name);
    if (!cur) throw notFound(def, name);
    const rv = obj.metadata.resourceVersion;
    if (!rv && how.requireRv) {
      throw invalidStore(def, name, [
        {
          field: 'metadata.resourceVersion',
          type: 'FieldValueInvalid',
          body: 'Invalid value: 0: must be specified for an update',
        },
      ]);
    }
    if (rv && rv !== cur.metadata.resourceVersion) throw conflict(def, name);
    if (obj.metadata.uid && obj.metadata.uid !== cur.metadata.uid) {
      throw conflict(
        def,
        name,
        `Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${cur.metadata.uid}`,
      );
    }
    let next: KObject;
    // The object as the client sent it (before admission), which managed fields are recorded from.
    let sent: KObject | undefined;
    if (how.subresource === 'status') {
      next = structuredClone(cur);
      if (obj.status === undefined) delete next.status;
      else next.status = structuredClone(obj.status);
      if (how.managed) next.metadata.managedFields = structuredClone(obj.metadata.managedFields);
    } else {
      next = structuredClone(obj);
      const m = next.metadata;
      for (const k of [
        'uid',
        'creationTimestamp',
        'generation',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'namespace',
      ] as const) {
        if (cur.metadata[k] === undefined) delete m[k];
        else (m as Record<string, unknown>)[k] = cur.metadata[k];
      }
      if (!how.managed) m.managedFields = managedFieldsGiven(obj) ?? structuredClone(cur.metadata.managedFields);
      if (def.hasStatus) {
        if (cur.status === undefined) delete next.status;
        else next.status = structuredClone(cur.status);
      }
      if (def === this.nsDef) {
        m.labels = { ...(m.labels ?? {}), 'kubernetes.io/metadata.name': name };
        if (!isObj(next.spec)) next.spec = structuredClone(cur.spec);
      }
      if (!how.managed) sent = structuredClone(next);
      this.admit(def, next, cur, ctx, how.asPatch);
      if (def !== this.nsDef && !deepEqual(withoutMetaStatus(next), withoutMetaStatus(cur)))
        m.generation = (cur.metadata.generation ?? 0) + 1;
    }
    if (!next.metadata.managedFields) delete next.metadata.managedFields;
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    if (deepEqual(withoutVolatile(next), withoutVolatile(cur))) return structuredClone(cur);
    const now = timestamp(this.now());
    if (!how.managed) {
      const owned = sent ?? next;
      recordUpdate(cur, owned, this.manager(ctx), def, now, how.subresource);
      if (owned.metadata.managedFields) next.metadata.managedFields = owned.metadata.managedFields;
      else delete next.metadata.managedFields;
    }
    if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length) {
      if (next.metadata.finalizers) delete next.metadata.finalizers;
      if (ctx.dryRun) return ordered(structuredClone(next));
      return structuredClone(this.removeNow(def, ns, next, cur));
    }
    if (ctx.dryRun) return ordered(structuredClone(next));
    return structuredClone(this.commit('MODIFIED', def, ns, next, cur));
  }

  /** Admission in kube-apiserver order: mutate -> name and schema checks -> validate. */
  private admit(
    def: ResourceDef,
    next: KObject,
    old: KObject | undefined,
    ctx: RequestContext,
    patchText?: string,
  ): void {
    const hooks = this.admission.get(def);
    const oldCopy = old && structuredClone(old);
    hooks?.mutate?.(next, oldCopy, ctx);
    if (!old) checkName(def, next.metadata.name);
    checkStringMaps(def, next);
    applySchema(def, next, ctx, patchText);
    hooks?.validate?.(next, oldCopy, ctx);
  }

  private commit(type: ChangeType, def: ResourceDef, ns: string, input: KObject, old?: KObject): KObject {
    const rv = this.store.nextRv();
    input.metadata.resourceVersion = String(rv);
    const obj = ordered(input);
    if (type === 'DELETED') this.store.remove(def, ns, obj.metadata.name);
    else this.store.put(def, ns, obj);
    this.index(def, ns, type, obj, old);
    const entry: HistoryEntry = { rv, type, def, namespace: ns, object: obj, old };
    this.store.record(entry);
    this.queue.push(entry);
    this.drain();
    return obj;
  }

  /** Delivers events in commit order even when a listener writes from inside its callback. */
  private drain(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (this.queue.length) {
        const e = this.queue.shift()!;
        this.hub.publish(e);
        for (const l of [...this.listeners]) {
          try {
            l(changeEvent(e));
          } catch (err) {
            // A failing controller must not break the write that triggered it.
            process.emitWarning(`registry change listener failed: ${String(err)}`);
          }
        }
      }
    } finally {
      this.dispatching = false;
    }
  }

  private removeNow(def: ResourceDef, ns: string, obj: KObject, old?: KObject): KObject {
    const last = structuredClone(obj);
    const gone = this.commit('DELETED', def, ns, last, old ?? obj);
    const uid = obj.metadata.uid;
    if (uid) this.later(() => this.collectDependents(uid), 0);
    return gone;
  }

  /** Orphan deletion: take the owner's references off its dependents, then its finalizer; retried with backoff. */
  private orphanSweep(def: ResourceDef, ns: string, name: string, uid: string, retryMs = 20): void {
    const owner = this.store.get(def, ns, name);
    if (!owner || owner.metadata.uid !== uid || !owner.metadata.finalizers?.includes(ORPHAN)) return;
    let pending = false;
    for (const [d, dns, dname] of [...(this.dependents.get(uid)?.values() ?? [])]) {
      const o = this.store.get(d, dns, dname);
      const refs = o?.metadata.ownerReferences;
      if (!o || !refs?.some((r) => r.uid === uid)) continue;
      const next = structuredClone(o);
      const kept = refs.filter((r) => r.uid !== uid);
      if (kept.length) next.metadata.ownerReferences = kept;
      else delete next.metadata.ownerReferences;
      try {
        this.writeUpdate(
          d,
          dns || undefined,
          next,
          { user: GC_USER, fieldManager: 'generic-garbage-collector' },
          { requireRv: false, managed: true },
        );
      } catch {
        pending = true;
      }
    }
    const next = structuredClone(owner);
    next.metadata.finalizers = owner.metadata.finalizers.filter((f) => f !== ORPHAN);
    if (!next.metadata.finalizers.length) delete next.metadata.finalizers;
    try {
      if (!pending) {
        this.writeUpdate(
          def,
          ns || undefined,
          next,
          { user: GC_USER, fieldManager: 'generic-garbage-collector' },
          { requireRv: false, managed: true },
        );
        return;
      }
    } catch {
      // Raced with another writer: try again.
    }
    this.later(() => this.orphanSweep(def, ns, name, uid, Math.min(retryMs * 2, 1000)), retryMs);
  }

  /** Foreground deletion: delete the dependents (foreground too), then drop the owner's finalizer once none blocks. */
  private foregroundSweep(def: ResourceDef, ns: string, name: string, uid: string): void {
    const owner = this.store.get(def, ns, name);
    if (!owner || owner.metadata.uid !== uid || !owner.metadata.finalizers?.includes(FOREGROUND)) return;
    const blocking = (): number => {
      let n = 0;
      for (const [d, dns, dname] of this.dependents.get(uid)?.values() ?? []) {
        const o = this.store.get(d, dns, dname);
        if (o?.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion)) n++;
      }
      return n;
    };
    for (const [d, dns, dname] of [...(this.dependents.get(uid)?.values() ?? [])]) {
      const o = this.store.get(d, dns, dname);
      if (!o || o.metadata.deletionTimestamp || !o.metadata.ownerReferences?.some((r) => r.uid === uid)) continue;
      // As the GC's attemptToDeleteItem: a dependent with another owner that is neither gone nor
      // itself waiting on its dependents is kept and only loses its references to the others.
      const solid = o.metadata.ownerReferences.filter(
        (r) => this.liveUids.has(r.uid) && !this.deletingDependents(r.uid),
      );
      if (solid.length) {
        const next = structuredClone(o);
        next.metadata.ownerReferences = solid;
        try {
          this.writeUpdate(
            d,
            dns || undefined,
            next,
            { user: GC_USER, fieldManager: 'generic-garbage-collector' },
            { requireRv: false, managed: true },
          );
        } catch {
          // Raced with another writer: the next pass sees it again.
        }
        continue;
      }
      try {
        // As the GC does: a dependent with dependents of its own goes in the foreground too; one
        // without is deleted by the policy its finalizers name, else in the background.
        const policy = this.dependents.get(o.metadata.uid ?? '')?.size ? 'Foreground' : undefined;
        this.delete(d, dns || undefined, dname, { user: GC_USER, propagationPolicy: policy });
      } catch {
        // Gone meanwhile.
      }
    }
    if (blocking() > 0) {
      this.later(() => this.foregroundSweep(def, ns, name, uid), 20);
      return;
    }
    const next = structuredClone(owner);
    next.metadata.finalizers = owner.metadata.finalizers.filter((f) => f !== FOREGROUND);
    if (!next.metadata.finalizers.length) delete next.metadata.finalizers;
    try {
      this.writeUpdate(
        def,
        ns || undefined,
        next,
        { user: GC_USER, fieldManager: 'generic-garbage-collector' },
        { requireRv: false, managed: true },
      );
    } catch {
      this.later(() => this.foregroundSweep(def, ns, name, uid), 20);
    }
  }

  /** Whether the object with this uid is being deleted in the foreground (waiting on its dependents). */
  private deletingDependents(uid: string): boolean {
    const at = this.liveUids.get(uid);
    const o = at && this.store.get(...at);
    return !!o?.metadata.deletionTimestamp && !!o.metadata.finalizers?.includes(FOREGROUND);
  }

  /** Background GC: a dependent drops references to gone owners, and is deleted once all are gone. */
  private collectDependents(ownerUid: string): void {
    for (const [def, depNs, name] of [...(this.dependents.get(ownerUid)?.values() ?? [])]) {
      const o = this.store.get(def, depNs, name);
      const refs = o?.metadata.ownerReferences;
      if (!o || !refs?.some((r) => r.uid === ownerUid)) continue;
      const solid = refs.filter((r) => this.liveUids.has(r.uid));
      try {
        if (solid.length) {
          const next = structuredClone(o);
          next.metadata.ownerReferences = solid;
          this.writeUpdate(
            def,
            depNs || undefined,
            next,
            { user: GC_USER, fieldManager: 'generic-garbage-collector' },
            { requireRv: false, managed: true },
          );
        } else {
          this.delete(def, depNs || undefined, o.metadata.name, { user: GC_USER, propagationPolicy: 'Background' });
        }
      } catch {
        // Raced with another writer; the next pass of its own deletion picks it up.
      }
    }
  }

  /** Keeps the uid and owner indexes in step with a committed change. */
  private index(def: ResourceDef, ns: string, type: ChangeType, obj: KObject, old?: KObject): void {
    const uid = obj.metadata.uid;
    if (uid) {
      if (type === 'DELETED') this.liveUids.delete(uid);
      else this.liveUids.set(uid, [def, ns, obj.metadata.name]);
    }
    const key = `${def.plural}.${def.group}/${ns}/${obj.metadata.name}`;
    for (const r of old?.metadata.ownerReferences ?? []) {
      const m = this.dependents.get(r.uid);
      m?.delete(key);
      if (m?.size === 0) this.dependents.delete(r.uid);
    }
    if (type === 'DELETED') return;
    for (const r of obj.metadata.ownerReferences ?? []) {
      let m = this.dependents.get(r.uid);
      if (!m) this.dependents.set(r.uid, (m = new Map()));
      m.set(key, [def, ns, obj.metadata.name]);
    }
  }

  /** The namespace controller: delete the contents, then the namespace itself. */
  private sweepNamespace(name: string): void {
    let remaining = 0;
    for (const [def, o] of this.store.inNamespace(name)) {
      remaining++;
      if (o.metadata.deletionTimestamp) continue;
      try {
        this.delete(def, name, o.metadata.name, { user: NS_USER, propagationPolicy: 'Background' });
      } catch {
        // Deleted meanwhile.
      }
    }
    for (const _ of this.store.inNamespace(name)) {
      this.later(() => this.sweepNamespace(name), remaining ? 20 : 0);
      return;
    }
    const ns = this.store.get(this.nsDef, '', name);
    if (!ns) return;
    const last = structuredClone(ns);
    last.spec = { ...(last.spec ?? {}), finalizers: [] };
    this.commit('DELETED', this.nsDef, '', last, ns);
  }

  private later(fn: () => void, ms: number): void {
    if (this.closed) return;
    const cancel = this.clock.after(ms, () => {
      this.timers.delete(cancel);
      if (!this.closed) fn();
    });
    this.timers.add(cancel);
  }

  private checkTypeMeta(def: ResourceDef, obj: KObject): void {
    const want = apiVersionOf(def);
    if (obj.apiVersion && obj.apiVersion !== want) {
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`,
      );
    }
    if (obj.kind && obj.kind !== def.kind) {
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${def.kind})`);
    }
    obj.apiVersion = want;
    obj.kind = def.kind;
  }

  private checkBodyNamespace(def: ResourceDef, ns: string, obj: KObject): void {
    if (!def.namespaced) return;
    const bodyNs = obj.metadata.namespace;
    if (bodyNs && bodyNs !== ns)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }

  private checkNamespaceLifecycle(def: ResourceDef, ns: string, name: string): void {
    if (!def.namespaced) return;
    const nsObj = this.store.get(this.nsDef, '', ns);
    if (!nsObj) throw notFound(this.nsDef, ns);
    if (nsObj.metadata.deletionTimestamp) {
      throw forbidden(def, name, `unable to create new content in namespace ${ns} because it is being terminated`, [
        { reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' },
      ]);
    }
  }

  private manager(ctx: RequestContext): string {
    return ctx.fieldManager || ctx.user || 'unknown';
  }

  private nsKey(def: ResourceDef, namespace: string | undefined): string {
    if (!def.namespaced) return '';
    if (!namespace)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    return namespace;
  }

  /** Callers may pass copies of ResourceDef; the store is keyed by our own instances. */
  private canonical(def: ResourceDef): ResourceDef {
    if (this.defs.includes(def)) return def;
    const found = this.resource(def.plural, def.group);
    if (!found) throw notFound({ plural: def.plural, group: def.group }, '');
    return found;
  }
}

/** Whether a delete waits for the dependents: an explicit policy wins, else the finalizer the object carries. */
function inForeground(obj: KObject, policy: string | undefined): boolean {
  if (policy) return policy === 'Foreground';
  for (const f of obj.metadata.finalizers ?? []) {
    if (f === FOREGROUND) return true;
    if (f === ORPHAN) return false;
  }
  return false;
}

/** Whether a delete orphans the dependents: an explicit policy wins, else the finalizer the object carries. */
function orphaning(obj: KObject, policy: string | undefined): boolean {
  if (policy) return policy === 'Orphan';
  for (const f of obj.metadata.finalizers ?? []) {
    if (f === ORPHAN) return true;
    if (f === FOREGROUND) return false;
  }
  return false;
}

/**
 * A listener's own copy of a change. Copying is deferred until the listener reads `object` or `old`: most
 * listeners look at the resource only, and copying every object for each of them dominated a burst of writes.
 * Stored objects are never mutated, so a later copy is the same as an eager one.
 */
function changeEvent(e: HistoryEntry): ChangeEvent {
  const ev = { type: e.type, resource: e.def } as ChangeEvent;
  copyOnRead(ev, 'object', e.object);
  if (e.old) copyOnRead(ev, 'old', e.old);
  else ev.old = undefined;
  ev.resourceVersion = e.rv;
  return ev;
}

function copyOnRead(ev: ChangeEvent, key: 'object' | 'old', stored: KObject): void {
  const settle = (value: KObject | undefined): KObject | undefined => {
    Object.defineProperty(ev, key, { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  Object.defineProperty(ev, key, {
    enumerable: true,
    configurable: true,
    get: () => settle(structuredClone(stored)),
    set: settle,
  });
}
