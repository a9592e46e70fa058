// KnativeClient: the one door to the cluster for commands. Backed by client-node's CustomObjectsApi (never
// KubernetesObjectApi or loadYaml, which drop spec.template of Knative Services in 1.4). Every call gets the
// trace/timeout middleware, typed errors and bounded retries.

import type { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { BgctlError, ClusterAccessError } from '../core/errors.js';
import type { JsonPatchOp } from '../core/patch.js';
import {
  KnativeLabels,
  SERVING_GROUP,
  SERVING_VERSION,
  type KnativeService,
  type Revision,
} from '../core/knative-types.js';
import { canaryRefs, type CanaryRef, type FlaggerLookup } from '../core/gitops.js';
import { createAgentPool, type AgentPool } from './agent.js';
import { NamespaceWatch, type NamespaceSource } from './namespace-watch.js';
import { revisionProblem, serviceProblem } from '../core/validate-object.js';
import { translateError, type ClusterInfo, type RequestInfo } from './errors.js';
import { explainMissingService } from './missing-service.js';
import { getStatus } from './raw-get.js';
import { ExecCredentialProvider } from './exec-credential.js';
import { loadKubeconfig, type KubeconfigOptions, type LoadedKubeconfig } from './kubeconfig.js';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from './retry.js';
import { callMiddleware, createTracer, type Tracer } from './trace.js';
import { userAgent } from './user-agent.js';

/** Upper bound of each read that only explains a missing service (see lookupTimeoutMs). */
export const LOOKUP_TIMEOUT_MS = 2000;

/** Pages of 500 Flagger canaries read at most before "could not tell" (a namespace holds a handful). */
const MAX_CANARY_PAGES = 20;

export interface PatchOptions {
  /** 'All' sends the patch with dryRun=All: the server validates, nothing is stored. */
  dryRun?: 'All';
  fieldManager?: string;
}

/** A watch event as client-node delivers it (ERROR events carry a Status). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchHandle {
  stop(): void;
}

/** Everything bgctl does to a cluster. `namespace` is the resolved -n / context / default. */
export interface KnativeClient {
  readonly namespace: string;
  readonly context: string;
  readonly server: string;
  /** Where the configuration came from (kubeconfig files and context, or in-cluster), as --verbose prints it. */
  readonly source: string;
  readonly warnings: readonly string[];
  /** The server's Warning headers (admission warnings) since the last call, each text once; clears them. */
  takeServerWarnings(): string[];
  getService(name: string): Promise<KnativeService>;
  /** The service (if it exists) and the list resourceVersion to watch from. */
  getServiceSnapshot(name: string): Promise<{ service?: KnativeService; resourceVersion: string }>;
  /** `labelSelector` is sent to the server (only matching services travel). */
  listServices(opts?: {
    allNamespaces?: boolean;
    pageSize?: number;
    labelSelector?: string;
  }): Promise<KnativeService[]>;
  revisionPages(service: string, opts?: { pageSize?: number }): AsyncIterable<Revision[]>;
  listRevisions(service: string): Promise<Revision[]>;
  getRevision(name: string): Promise<Revision>;
  /** The Flagger canaries of the namespace: `absent` when the cluster does not serve flagger.app (404). */
  listFlaggerCanaries(): Promise<FlaggerLookup>;
  createService(svc: KnativeService, opts?: { dryRun?: 'All' }): Promise<KnativeService>;
  /** application/json-patch+json. Retried on 429/5xx only when the ops carry a resourceVersion precondition. */
  patchService(name: string, ops: JsonPatchOp[], opts?: PatchOptions): Promise<KnativeService>;
  /** application/merge-patch+json of a revision's metadata (annotations, labels; null deletes a key). */
  mergePatchRevision(
    name: string,
    patch: { metadata: { annotations?: Record<string, string | null>; labels?: Record<string, string | null> } },
    opts?: PatchOptions,
  ): Promise<Revision>;
  deleteRevision(name: string, opts?: { dryRun?: 'All' }): Promise<void>;
  /** Watches one service (fieldSelector metadata.name) from a resourceVersion. `onDone` gets a typed error or null. */
  watchService(
    name: string,
    resourceVersion: string | undefined,
    onEvent: (type: WatchEventType, obj: any) => void,
    onDone: (err: BgctlError | null) => void,
  ): Promise<WatchHandle>;
}

/** What createKnativeClient needs: the global flags plus test seams. */
export interface CreateClientOptions extends KubeconfigOptions {
  /** --request-timeout in ms (0 or undefined: none). Not applied to watches. */
  requestTimeoutMs?: number;
  /** --verbose: receives redacted trace lines. */
  verbose?: (line: string) => void;
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  /** The User-Agent of every request and watch; default `bgctl/<version> (<os>/<arch>) node/<version>`. */
  userAgent?: string;
}

/** Loads the kubeconfig and builds a client; kubeconfig or credential problems throw ClusterAccessError (exit 4). */
export async function createKnativeClient(opts: CreateClientOptions = {}): Promise<KnativeClient> {
  const loaded = await loadKubeconfig(opts);
  const k8s = await import('@kubernetes/client-node');
  const api = loaded.kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  let plugin: ExecCredentialProvider | undefined;
  if (loaded.exec) {
    plugin = new ExecCredentialProvider({
      exec: loaded.exec.config,
      context: loaded.contextName,
      secrets: loaded.secrets,
      requestTimeoutMs: opts.requestTimeoutMs,
      signal: opts.signal,
      cluster: loaded.exec.cluster,
    });
    loaded.kubeConfig.addAuthenticator(plugin.authenticator(loaded.exec.userName) as any);
  }
  const client = new CustomObjectsKnativeClient(loaded, api, k8s.Watch, opts, plugin, createAgentPool());
  // Run the plugin up front, so that a broken plugin is reported as such, not as a failed request.
  await plugin?.get();
  return client;
}

/**
 * One context's connection shared by many clients (a fleet's targets): the kubeconfig is read once, the credential
 * plugin runs once, one keep-alive pool carries every request, and the waits of each namespace share one watch.
 */
export interface SharedConnection {
  /** A client of the connection's own namespace, for reads that are not a target's (listing the targets). */
  readonly client: KnativeClient;
  /** A client for one namespace: its own cancel signal and trace; its waits subscribe to the namespace's watch. */
  forNamespace(namespace: string, opts?: { signal?: AbortSignal; verbose?: (line: string) => void }): KnativeClient;
  /** Ends the shared watches and closes the pooled sockets (once every client is done). */
  close(): void;
}

/** Loads the kubeconfig once for many clients of one context (see SharedConnection). */
export async function createSharedConnection(opts: CreateClientOptions = {}): Promise<SharedConnection> {
  const base = (await createKnativeClient(opts)) as CustomObjectsKnativeClient;
  const watches = new Map<string, NamespaceWatch>();
  const watchOf = (namespace: string): NamespaceWatch => {
    let w = watches.get(namespace);
    if (!w) {
      // The shared stream belongs to the connection (its signal and trace), not to the first target that waited.
      w = new NamespaceWatch(base.derive(namespace, { verbose: opts.verbose }).namespaceSource(), {
        retry: opts.retry,
      });
      watches.set(namespace, w);
    }
    return w;
  };
  return {
    client: base,
    forNamespace: (namespace, o = {}) => base.derive(namespace, { signal: o.signal, verbose: o.verbose }, watchOf),
    close() {
      for (const w of watches.values()) w.close();
      watches.clear();
      base.closeConnection();
    },
  };
}

const base = { group: SERVING_GROUP, version: SERVING_VERSION };
/** Flagger's API (flagger.app/v1beta1), read only to warn that a canary drives a Service. */
const FLAGGER = { group: 'flagger.app', version: 'v1beta1' };

type ShapeKind = 'Service' | 'Revision';

class CustomObjectsKnativeClient implements KnativeClient {
  readonly namespace: string;
  readonly context: string;
  readonly server: string;
  readonly source: string;
  readonly warnings: readonly string[];
  private readonly tracer: Tracer;
  private readonly cluster: ClusterInfo;
  private readonly policy: RetryPolicy;
  private readonly userAgent: string;

  constructor(
    private readonly loaded: LoadedKubeconfig,
    private readonly api: CustomObjectsApi,
    private readonly WatchClass: typeof import('@kubernetes/client-node').Watch,
    private readonly opts: CreateClientOptions,
    private readonly plugin: ExecCredentialProvider | undefined,
    // One keep-alive pool for every request and watch of this client: one TLS handshake, not one per request.
    private readonly agents: AgentPool,
    /** The namespace watch a fleet's waits share (SharedConnection); without it each wait watches on its own. */
    private readonly sharedWatch?: (namespace: string) => NamespaceWatch,
  ) {
    this.namespace = loaded.namespace;
    this.context = loaded.contextName;
    this.server = loaded.server;
    this.source = loaded.source;
    this.warnings = loaded.warnings;
    this.userAgent = opts.userAgent ?? userAgent();
    this.tracer = createTracer(opts.verbose, loaded.secrets);
    this.cluster = {
      server: loaded.server,
      context: loaded.contextName,
      secrets: loaded.secrets,
      inCluster: loaded.inCluster,
    };
    this.policy = defaultRetryPolicy({
      signal: opts.signal,
      ...opts.retry,
      onRetry: (info) => {
        this.tracer.note(`retrying in ${info.delayMs} ms after attempt ${info.attempt}: ${info.error.message}`);
        opts.retry?.onRetry?.(info);
      },
    });
  }

  private readonly serverWarnings = new Set<string>();
  private readonly shownWarnings = new Set<string>();

  takeServerWarnings(): string[] {
    // Once per client (one command, a whole rollout included): the same warning on every write says nothing new.
    const out = [...this.serverWarnings].filter((w) => !this.shownWarnings.has(w));
    for (const w of out) this.shownWarnings.add(w);
    this.serverWarnings.clear();
    return out;
  }

  private async call<T>(
    req: RequestInfo,
    fn: (options: any) => Promise<T>,
    repeat: 'always' | 'if-not-processed',
    headers?: Record<string, string>,
  ): Promise<T> {
    return withRetry(() => this.attempt(req, fn, this.opts.requestTimeoutMs, headers), this.policy, repeat);
  }

  /** One request, no retry. */
  private async attempt<T>(
    req: RequestInfo,
    fn: (options: any) => Promise<T>,
    timeoutMs: number | undefined,
    headers?: Record<string, string>,
  ): Promise<T> {
    const { middleware, state } = callMiddleware({
      tracer: this.tracer,
      timeoutMs,
      signal: this.opts.signal,
      headers: { 'User-Agent': this.userAgent, ...headers },
      enforceTls: !this.loaded.insecure,
      agents: this.agents,
      secrets: this.loaded.secrets,
    });
    try {
      return await fn({ middleware: [middleware], middlewareMergeStrategy: 'append' });
    } catch (err) {
      const e = err as { code?: unknown; name?: string };
      state.finish?.({ error: typeof e.code === 'string' ? e.code : (e.name ?? 'error') });
      // Like kubectl: a plugin credential the server refuses is fetched afresh next time.
      if (e.code === 401) this.plugin?.invalidate();
      throw translateError(err, req, this.cluster, state);
    } finally {
      // A refused write carries the webhook's warnings too (the apiserver relays them first).
      for (const w of state.warnings ?? []) this.serverWarnings.add(w);
    }
  }

  /**
   * The timeout of the extra reads that explain a missing service: they only improve an error, so a slow or
   * hanging server must not hold it back (one attempt each, at most LOOKUP_TIMEOUT_MS or --request-timeout).
   */
  private lookupTimeoutMs(): number {
    const t = this.opts.requestTimeoutMs;
    return t && t > 0 ? Math.min(t, LOOKUP_TIMEOUT_MS) : LOOKUP_TIMEOUT_MS;
  }

  private expectObject<T>(value: unknown, req: RequestInfo, kind: string): T {
    const ok =
      value &&
      typeof value === 'object' &&
      (kind === 'List' ? Array.isArray((value as any).items) : (value as any).kind === kind);
    if (!ok) {
      throw new ClusterAccessError(
        `the cluster at ${this.server} answered the ${req.verb} of ${req.resource} ` +
          `with something that is not a ${kind}`,
        {
          reason: 'NotKubernetes',
          hint: `check the server URL of context "${this.context}"`,
        },
      );
    }
    if (kind !== 'List') this.expectShape(value, req, kind as ShapeKind);
    return value as T;
  }

  private expectList<T>(
    value: unknown,
    req: RequestInfo,
    kind: ShapeKind,
  ): { items: T[]; metadata?: { continue?: string; resourceVersion?: string } } {
    const list = this.expectObject<{ items: unknown[]; metadata?: unknown }>(value, req, 'List');
    list.items.forEach((item, i) => this.expectShape(item, req, kind, `items[${i}]: `));
    const meta = list.metadata;
    if (
      meta !== undefined &&
      (typeof meta !== 'object' ||
        meta === null ||
        ['continue', 'resourceVersion'].some((k) => (meta as any)[k] != null && typeof (meta as any)[k] !== 'string'))
    ) {
      throw this.notKnative(req, 'List', 'metadata: expected continue and resourceVersion strings');
    }
    return list as { items: T[]; metadata?: { continue?: string; resourceVersion?: string } };
  }

  /** Throws when `value` is not shaped like a Knative `kind` in the fields bgctl reads. */
  private expectShape(value: unknown, req: RequestInfo, kind: ShapeKind, where = ''): void {
    const problem = kind === 'Service' ? serviceProblem(value) : revisionProblem(value);
    if (problem) throw this.notKnative(req, kind, `${where}${problem}`);
  }

  private notKnative(req: RequestInfo, kind: string, problem: string): ClusterAccessError {
    // The problem names a field path and an expectation, never a value the server sent.
    return new ClusterAccessError(
      `the cluster at ${this.server} answered the ${req.verb} of ${req.resource} ` +
        `with something that is not a Knative ${kind}: ${problem}`,
      {
        reason: 'InvalidObject',
        hint:
          `the server does not follow the Knative Serving API (${SERVING_GROUP}/${SERVING_VERSION}); ` +
          `check the server URL of context "${this.context}" and what serves it`,
      },
    );
  }

  async getService(name: string): Promise<KnativeService> {
    const req: RequestInfo = { verb: 'get', resource: 'services', name, namespace: this.namespace };
    let res: unknown;
    try {
      res = await this.call(
        req,
        (o) => this.api.getNamespacedCustomObject({ ...base, namespace: this.namespace, plural: 'services', name }, o),
        'always',
      );
    } catch (err) {
      if (!(err instanceof BgctlError && err.reason === 'NotFound')) throw err;
      throw await explainMissingService(err, name, this.namespace, {
        serviceNames: async () => (await this.listServicePage()).map((s) => s.metadata.name),
        namespaceExists: () => this.namespaceExists(),
      });
    }
    return this.expectObject<KnativeService>(res, req, 'Service');
  }

  private async listServicePage(): Promise<KnativeService[]> {
    const req: RequestInfo = { verb: 'list', resource: 'services', namespace: this.namespace };
    const res = await this.attempt(
      req,
      (o) =>
        this.api.listNamespacedCustomObject({ ...base, namespace: this.namespace, plural: 'services', limit: 500 }, o),
      this.lookupTimeoutMs(),
    );
    return this.expectList<KnativeService>(res, req, 'Service').items;
  }

  /** GET /apis/GROUP (discovery): true on 200, false on 404, undefined otherwise. */
  private groupServed(group: string): Promise<boolean | undefined> {
    return this.exists(`/apis/${encodeURIComponent(group)}`);
  }

  /** GET /api/v1/namespaces/NS: true on 200, false on 404, undefined otherwise (403: cannot tell). */
  private namespaceExists(): Promise<boolean | undefined> {
    return this.exists(`/api/v1/namespaces/${encodeURIComponent(this.namespace)}`);
  }

  /** One bounded GET of `path`: true on 200, false on 404, undefined for any other answer or none. */
  private async exists(path: string): Promise<boolean | undefined> {
    const status = await getStatus(this.loaded, path, {
      userAgent: this.userAgent,
      tracer: this.tracer,
      agents: this.agents,
      timeoutMs: this.lookupTimeoutMs(),
      signal: this.opts.signal,
    });
    return status === 200 ? true : status === 404 ? false : undefined;
  }

  async getServiceSnapshot(name: string): Promise<{ service?: KnativeService; resourceVersion: string }> {
    const req: RequestInfo = { verb: 'list', resource: 'services', namespace: this.namespace };
    const res = await this.call(
      req,
      (o) =>
        this.api.listNamespacedCustomObject(
          { ...base, namespace: this.namespace, plural: 'services', fieldSelector: `metadata.name=${name}` },
          o,
        ),
      'always',
    );
    const list = this.expectList<KnativeService>(res, req, 'Service');
    return { service: list.items[0], resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  private async *pages<T>(
    req: RequestInfo,
    kind: ShapeKind,
    list: (cont: string | undefined, o: any) => Promise<unknown>,
  ): AsyncIterable<T[]> {
    let cont: string | undefined;
    do {
      const res = await this.call(req, (o) => list(cont, o), 'always');
      const page = this.expectList<T>(res, req, kind);
      yield page.items;
      cont = page.metadata?.continue || undefined;
    } while (cont);
  }

  async listServices(
    opts: { allNamespaces?: boolean; pageSize?: number; labelSelector?: string } = {},
  ): Promise<KnativeService[]> {
    const limit = opts.pageSize ?? 250;
    const labelSelector = opts.labelSelector;
    const out: KnativeService[] = [];
    if (opts.allNamespaces) {
      const req: RequestInfo = { verb: 'list', resource: 'services' };
      for await (const page of this.pages<KnativeService>(req, 'Service', (cont, o) =>
        this.api.listClusterCustomObject({ ...base, plural: 'services', labelSelector, limit, _continue: cont }, o),
      ))
        out.push(...page);
    } else {
      const req: RequestInfo = { verb: 'list', resource: 'services', namespace: this.namespace };
      const ns = this.namespace;
      for await (const page of this.pages<KnativeService>(req, 'Service', (cont, o) =>
        this.api.listNamespacedCustomObject(
          { ...base, namespace: ns, plural: 'services', labelSelector, limit, _continue: cont },
          o,
        ),
      ))
        out.push(...page);
    }
    return out;
  }

  revisionPages(service: string, opts: { pageSize?: number } = {}): AsyncIterable<Revision[]> {
    const req: RequestInfo = { verb: 'list', resource: 'revisions', namespace: this.namespace };
    const limit = opts.pageSize ?? 250;
    return this.pages<Revision>(req, 'Revision', (cont, o) =>
      this.api.listNamespacedCustomObject(
        {
          ...base,
          namespace: this.namespace,
          plural: 'revisions',
          labelSelector: `${KnativeLabels.service}=${service}`,
          limit,
          _continue: cont,
        },
        o,
      ),
    );
  }

  async listRevisions(service: string): Promise<Revision[]> {
    return collect(this.revisionPages(service));
  }

  async getRevision(name: string): Promise<Revision> {
    const req: RequestInfo = { verb: 'get', resource: 'revisions', name, namespace: this.namespace };
    const res = await this.call(
      req,
      (o) => this.api.getNamespacedCustomObject({ ...base, namespace: this.namespace, plural: 'revisions', name }, o),
      'always',
    );
    return this.expectObject<Revision>(res, req, 'Revision');
  }

  async listFlaggerCanaries(): Promise<FlaggerLookup> {
    const req: RequestInfo = { verb: 'list', resource: 'canaries', namespace: this.namespace };
    const ns = this.namespace;
    try {
      // One attempt per page within the lookup timeout: this only adds a warning, a slow answer must not hold the
      // step. Every page is read: the canary of this service may be on any of them.
      const canaries: CanaryRef[] = [];
      let cont: string | undefined;
      for (let page = 0; page < MAX_CANARY_PAGES; page++) {
        const res = (await this.attempt(
          req,
          (o) =>
            this.api.listNamespacedCustomObject(
              { ...FLAGGER, namespace: ns, plural: 'canaries', limit: 500, _continue: cont },
              o,
            ),
          this.lookupTimeoutMs(),
        )) as { items?: unknown; metadata?: { continue?: unknown } } | null;
        const refs = canaryRefs(res?.items, ns);
        // A 200 that is not a list says nothing about the canaries: "could not tell", not "none".
        if (!refs) return { api: 'unknown', why: `the list of canaries.${FLAGGER.group} was not a list` };
        canaries.push(...refs);
        const next = res?.metadata?.continue;
        if (typeof next !== 'string' || next === '') return { api: 'present', canaries };
        cont = next;
      }
      const most = MAX_CANARY_PAGES * 500;
      return { api: 'unknown', why: `more than ${most} canaries.${FLAGGER.group} in namespace ${ns}` };
    } catch (err) {
      if (this.opts.signal?.aborted) throw err;
      // A 404 without an object's name is a group the server does not serve (translateError's reading).
      if (err instanceof BgctlError && err.reason === 'KnativeNotInstalled') return { api: 'absent' };
      if (err instanceof BgctlError && err.reason === 'Forbidden') {
        // RBAC answers before routing: a user without the rule gets 403 even where Flagger is not installed.
        // Discovery is open to every user, so it says whether the group exists at all.
        if ((await this.groupServed(FLAGGER.group)) === false) return { api: 'absent' };
        return { api: 'unknown', why: `not allowed to list canaries.${FLAGGER.group} in namespace ${ns}` };
      }
      return { api: 'unknown', why: `listing canaries.${FLAGGER.group} failed` };
    }
  }

  async createService(svc: KnativeService, opts: { dryRun?: 'All' } = {}): Promise<KnativeService> {
    const req: RequestInfo = {
      verb: 'create',
      resource: 'services',
      name: svc.metadata?.name,
      namespace: this.namespace,
    };
    const body = { ...svc, metadata: { ...svc.metadata, namespace: this.namespace } };
    const res = await this.call(
      req,
      (o) =>
        this.api.createNamespacedCustomObject(
          { ...base, namespace: this.namespace, plural: 'services', body, dryRun: opts.dryRun, fieldManager: 'bgctl' },
          o,
        ),
      'if-not-processed',
    );
    return this.expectObject<KnativeService>(res, req, 'Service');
  }

  async patchService(name: string, ops: JsonPatchOp[], opts: PatchOptions = {}): Promise<KnativeService> {
    const req: RequestInfo = { verb: 'patch', resource: 'services', name, namespace: this.namespace };
    // With a resourceVersion precondition a repeat is harmless: if the first try landed, the
    // repeat gets 409 and the caller re-reads; without one it could apply twice.
    const conditional = ops.some(
      (op) => (op.op === 'replace' || op.op === 'test') && op.path === '/metadata/resourceVersion',
    );
    const res = await this.call(
      req,
      (o) =>
        this.api.patchNamespacedCustomObject(
          {
            ...base,
            namespace: this.namespace,
            plural: 'services',
            name,
            body: ops,
            dryRun: opts.dryRun,
            fieldManager: opts.fieldManager ?? 'bgctl',
          },
          o,
        ),
      conditional ? 'always' : 'if-not-processed',
      { 'Content-Type': 'application/json-patch+json' },
    );
    return this.expectObject<KnativeService>(res, req, 'Service');
  }

  async mergePatchRevision(
    name: string,
    patch: { metadata: { annotations?: Record<string, string | null>; labels?: Record<string, string | null> } },
    opts: PatchOptions = {},
  ): Promise<Revision> {
    const req: RequestInfo = { verb: 'patch', resource: 'revisions', name, namespace: this.namespace };
    const res = await this.call(
      req,
      (o) =>
        this.api.patchNamespacedCustomObject(
          {
            ...base,
            namespace: this.namespace,
            plural: 'revisions',
            name,
            body: patch,
            dryRun: opts.dryRun,
            fieldManager: opts.fieldManager ?? 'bgctl',
          },
          o,
        ),
      // A metadata merge patch sets absolute values, so repeating it is harmless.
      'always',
      { 'Content-Type': 'application/merge-patch+json' },
    );
    return this.expectObject<Revision>(res, req, 'Revision');
  }

  async deleteRevision(name: string, opts: { dryRun?: 'All' } = {}): Promise<void> {
    const req: RequestInfo = { verb: 'delete', resource: 'revisions', name, namespace: this.namespace };
    await this.call(
      req,
      (o) =>
        this.api.deleteNamespacedCustomObject(
          {
            ...base,
            namespace: this.namespace,
            plural: 'revisions',
            name,
            dryRun: opts.dryRun,
            propagationPolicy: 'Background',
          },
          o,
        ),
      'if-not-processed',
    );
  }

  /** A client of the same connection (kubeconfig, credentials, pool) for another namespace, signal and trace. */
  derive(
    namespace: string,
    o: { signal?: AbortSignal; verbose?: (line: string) => void },
    sharedWatch?: (namespace: string) => NamespaceWatch,
  ): CustomObjectsKnativeClient {
    const opts: CreateClientOptions = { ...this.opts, signal: o.signal ?? this.opts.signal, verbose: o.verbose };
    const loaded = { ...this.loaded, namespace };
    return new CustomObjectsKnativeClient(
      loaded,
      this.api,
      this.WatchClass,
      opts,
      this.plugin,
      this.agents,
      sharedWatch,
    );
  }

  closeConnection(): void {
    this.agents.destroy();
  }

  /** The namespace's services with the list's resourceVersion, and a watch of all of them: what NamespaceWatch uses. */
  namespaceSource(): NamespaceSource {
    return {
      list: async () => {
        const req: RequestInfo = { verb: 'list', resource: 'services', namespace: this.namespace };
        const res = await this.call(
          req,
          (o) => this.api.listNamespacedCustomObject({ ...base, namespace: this.namespace, plural: 'services' }, o),
          'always',
        );
        const list = this.expectList<KnativeService>(res, req, 'Service');
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
      },
      watch: (rv, onEvent, onDone) => this.openWatch(undefined, rv, onEvent, onDone),
    };
  }

  async watchService(
    name: string,
    resourceVersion: string | undefined,
    onEvent: (type: WatchEventType, obj: any) => void,
    onDone: (err: BgctlError | null) => void,
  ): Promise<WatchHandle> {
    const shared = this.sharedWatch?.(this.namespace).subscribe(name, resourceVersion, onEvent, onDone);
    return shared ?? this.openWatch(name, resourceVersion, onEvent, onDone);
  }

  /** A watch of one service (fieldSelector metadata.name) or, without a name, of every service of the namespace. */
  private async openWatch(
    name: string | undefined,
    resourceVersion: string | undefined,
    onEvent: (type: WatchEventType, obj: any) => void,
    onDone: (err: BgctlError | null) => void,
  ): Promise<WatchHandle> {
    const kc = this.loaded.kubeConfig;
    const tracer = this.tracer;
    const enforceTls = !this.loaded.insecure;
    const agents = this.agents;
    const ua = this.userAgent;
    const secrets = this.loaded.secrets;
    const path = `/apis/${SERVING_GROUP}/${SERVING_VERSION}/namespaces/${encodeURIComponent(this.namespace)}/services`;
    const params: Record<string, string | boolean> = { allowWatchBookmarks: true };
    if (name !== undefined) params.fieldSelector = `metadata.name=${name}`;
    const what = name !== undefined ? `service "${name}"` : `the services of namespace "${this.namespace}"`;
    if (resourceVersion) params.resourceVersion = resourceVersion;
    // Watch reads only these two members; the wrapper adds the User-Agent, the trace and the TLS rule.
    const config = {
      getCurrentCluster: () => kc.getCurrentCluster(),
      applyToFetchOptions: async (o: any) => {
        const init = await kc.applyToFetchOptions({ ...o, headers: { ...o?.headers, 'User-Agent': ua } });
        secrets.addAuthorization((init.headers as any)?.get?.('authorization'));
        if (init.agent) init.agent = agents.agentFor(init.agent, { enforceTls });
        if (tracer.enabled) {
          const headers: Record<string, string> = {};
          (init.headers as any)?.forEach?.((v: string, k: string) => (headers[k] = v));
          const q = new URLSearchParams({
            watch: 'true',
            ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
          });
          tracer.start('GET', `${this.server}${path}?${q}`, headers)({ label: '(watch stream opening)' });
        }
        return init;
      },
    } as unknown as KubeConfig;
    const req: RequestInfo = { verb: 'watch', resource: 'services', name, namespace: this.namespace };
    let stopped = false;
    const watch = new this.WatchClass(config);
    let controller: AbortController | undefined;
    try {
      const onStreamEvent = (type: string, obj: unknown) => {
        if (stopped) return;
        // BOOKMARK carries only a resourceVersion and ERROR a Status; the others carry the service.
        const problem = type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED' ? serviceProblem(obj) : undefined;
        if (!problem) return onEvent(type as WatchEventType, obj);
        stopped = true;
        controller?.abort();
        tracer.note(`watch of ${what} stopped: a ${type} event is not a Knative Service`);
        onDone(this.notKnative(req, 'Service', `a ${type} event: ${problem}`));
      };
      controller = await watch.watch(path, params, onStreamEvent, (err) => {
        if (stopped) return;
        stopped = true;
        tracer.note(`watch of ${what} closed${err ? `: ${(err as Error).message}` : ''}`);
        onDone(err ? translateError(err, req, this.cluster) : null);
      });
      // A bad event can arrive before watch() has returned its controller.
      if (stopped) controller.abort();
    } catch (err) {
      // Credentials are resolved before client-node's own try block, so their failures land here.
      throw translateError(err, req, this.cluster);
    }
    return {
      stop: () => {
        stopped = true;
        controller?.abort();
      },
    };
  }
}

/** Collects an async iterable of pages into one array. */
export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}
