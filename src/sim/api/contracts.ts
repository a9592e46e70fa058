// The playground's seams: src/sim/api implements Registry (kube-apiserver semantics), src/sim/knative adds admission
// hooks and controllers on its change feed, server.ts serves it over HTTPS. Controllers call the Registry in-process,
// so their writes get the same resourceVersion, generation and watch semantics as HTTP writes.

export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    generateName?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    ownerReferences?: Array<{
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
      blockOwnerDeletion?: boolean;
    }>;
    managedFields?: unknown[];
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  [key: string]: unknown;
}

/** A `printerColumns` entry of a CRD (additionalPrinterColumns). */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** A served resource: namespaces (core v1) and the four Knative kinds. */
export interface ResourceDef {
  group: string; // '' for core
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  hasStatus: boolean;
  printerColumns: PrinterColumn[];
}

/** `services.serving.knative.dev`, or `namespaces` for the core group (as in Status messages). */
export function groupResource(def: Pick<ResourceDef, 'plural' | 'group'>): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

/** The Kubernetes Status object every error is written as. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
    retryAfterSeconds?: number;
  };
  code: number;
}

/** Thrown by the Registry and by admission hooks; the server writes `status` with `status.code`. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? 'error');
    this.name = 'StatusError';
  }
  get code(): number {
    return this.status.code;
  }
}

/** Who is writing, and how (from the HTTP request, or a controller's identity). */
export interface RequestContext {
  /** Username: "bgctl-admin" (playground token), "system:serviceaccount:knative-serving:controller" (controllers). */
  user: string;
  fieldManager?: string;
  dryRun?: boolean;
  /** Strict | Warn | Ignore; warnings collected here become `Warning` headers. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  warnings?: string[];
}

export type PatchType = 'json' | 'merge' | 'apply' | 'strategic';

/**
 * Admission for one resource on create and update (patches too), never on /status, in kube-apiserver order:
 * mutate -> OpenAPI schema -> validate. Hooks throw StatusError to deny.
 */
export interface AdmissionHooks {
  mutate?(obj: KObject, old: KObject | undefined, ctx: RequestContext): void;
  validate?(obj: KObject, old: KObject | undefined, ctx: RequestContext): void;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Delivered synchronously after every committed write (never for dry runs). */
export interface ChangeEvent {
  type: ChangeType;
  resource: ResourceDef;
  object: KObject;
  old?: KObject;
  resourceVersion: number;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
}

export type WatchEvent = { type: ChangeType | 'BOOKMARK'; object: KObject } | { type: 'ERROR'; object: Status };

/** kube-apiserver semantics over an in-memory store. All objects returned are copies. */
export interface Registry {
  resources(): ResourceDef[];
  /** Look up by plural and group ('' for core); undefined when not served. */
  resource(plural: string, group: string): ResourceDef | undefined;
  setAdmission(def: ResourceDef, hooks: AdmissionHooks): void;

  get(def: ResourceDef, namespace: string | undefined, name: string): KObject; // throws NotFound
  tryGet(def: ResourceDef, namespace: string | undefined, name: string): KObject | undefined;
  list(def: ResourceDef, namespace: string | undefined, opts?: ListOptions): ListResult;
  create(def: ResourceDef, namespace: string | undefined, obj: KObject, ctx: RequestContext): KObject;
  /** PUT: requires metadata.resourceVersion (CRs), 409 on a stale one. */
  update(def: ResourceDef, namespace: string | undefined, obj: KObject, ctx: RequestContext): KObject;
  /** PUT .../status: only status changes, generation never changes. */
  updateStatus(def: ResourceDef, namespace: string | undefined, obj: KObject, ctx: RequestContext): KObject;
  patch(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    ctx: RequestContext & { force?: boolean; subresource?: 'status' },
  ): { object: KObject; created: boolean };
  delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    ctx: RequestContext & { preconditions?: { uid?: string; resourceVersion?: string }; propagationPolicy?: string },
  ): { object: KObject; status?: Status };
  /** Starts a watch; events reach `onEvent` until the returned stop() is called. Throws 422 for a non-numeric RV. */
  watch(
    def: ResourceDef,
    namespace: string | undefined,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent) => void,
  ): () => void;
  /** In-process change feed for controllers. */
  onChange(listener: (ev: ChangeEvent) => void): () => void;
  currentResourceVersion(): number;
}
