// The clusters the benchmark runs against: the playground (Knative simulated), and a bare API server
// filled straight through its registry for the scale cases. /sim/v1 is read over HTTPS like any client.
import { request } from 'node:https';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { KObject, Registry } from '../src/sim/api/contracts.js';
import { SERVING_GROUP } from '../src/core/knative-types.js';

/** What the benchmark needs of a running API server. */
export interface BenchCluster {
  server: string;
  token: string;
  kubeconfigPath: string;
  kubeconfig: string;
  registry: Registry;
  stop(): Promise<void>;
}

/** One logged API request (the fields of /sim/v1/requests the benchmark reads). */
export interface LoggedRequest {
  time: string;
  method: string;
  path: string;
  verb: string;
  resource?: string;
  query: Record<string, string>;
  userAgent: string;
}

const SYSTEM = { user: 'system:admin', fieldManager: 'bgctl-bench' };

function caOf(kubeconfig: string): Buffer {
  const kc = yaml.load(kubeconfig) as { clusters: Array<{ cluster: { 'certificate-authority-data': string } }> };
  return Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64');
}

/** Calls /sim/v1 of the cluster: GET/DELETE requests, POST/DELETE faults. */
export function sim(c: BenchCluster, method: string, path: string, body?: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${c.server}/sim/v1/${path}`,
      {
        method,
        ca: caOf(c.kubeconfig),
        headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(text ? JSON.parse(text) : {})
            : reject(new Error(`/sim/v1/${path}: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** The request log since the last reset, oldest first (by arrival). */
export async function requestLog(c: BenchCluster): Promise<LoggedRequest[]> {
  const { requests } = (await sim(c, 'GET', 'requests')) as { requests: LoggedRequest[] };
  return [...requests].sort((a, b) => a.time.localeCompare(b.time));
}

/**
 * The playground with Knative, as users get it from `bgctl playground`; `instant` sets every
 * latency of the simulated control plane to zero (routes and ingress are programmed at once).
 */
export async function startBenchPlayground(opts: { instant?: boolean } = {}): Promise<BenchCluster> {
  const { startPlayground } = await import('../src/sim/playground.js');
  const pg = await startPlayground(
    opts.instant ? { timing: { stepMs: 0, dwellMs: 0, ingressMs: 0, readyAfterMs: 0 } } : {},
  );
  return {
    server: pg.server,
    token: pg.token,
    kubeconfigPath: pg.kubeconfigPath,
    kubeconfig: pg.kubeconfig,
    registry: pg.registry,
    stop: () => pg.stop(),
  };
}

const isReady = (o: KObject | undefined): boolean =>
  Boolean(
    o &&
    o.status?.observedGeneration === o.metadata.generation &&
    o.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'),
  );

/** Creates a Knative Service whose revisions are ready at once, and resolves when it is Ready. */
export function createReadyService(c: BenchCluster, name: string, image = 'ghcr.io/bgctl/hello:v1'): Promise<void> {
  const def = c.registry.resource('services', SERVING_GROUP)!;
  return new Promise((resolve, reject) => {
    // Set-up, not measured: 300 services created at once over three clusters of one process take about 20 s.
    const timer = setTimeout(() => (stop(), reject(new Error(`service ${name} did not become Ready`))), 120_000);
    const stop = c.registry.onChange((ev) => {
      if (ev.resource.plural === 'services' && ev.object.metadata.name === name && isReady(ev.object)) {
        clearTimeout(timer);
        stop();
        resolve();
      }
    });
    c.registry.create(
      def,
      'default',
      {
        apiVersion: `${SERVING_GROUP}/v1`,
        kind: 'Service',
        metadata: { name, namespace: 'default' },
        // "Revisions ready at once": the playground's knob, kept by every later template change.
        spec: {
          template: {
            metadata: { annotations: { 'sim.bgctl.dev/ready-after': '0s' } },
            spec: { containers: [{ image }] },
          },
        },
      },
      SYSTEM,
    );
  });
}

/** Calls back (once) when the named service is Ready at a generation above `afterGeneration`; returns a canceller. */
export function onReady(c: BenchCluster, name: string, afterGeneration: number, cb: (at: number) => void): () => void {
  const stop = c.registry.onChange((ev) => {
    if (
      ev.resource.plural === 'services' &&
      ev.object.metadata.name === name &&
      (ev.object.metadata.generation ?? 0) > afterGeneration &&
      isReady(ev.object)
    ) {
      stop();
      cb(Date.now());
    }
  });
  return stop;
}

/**
 * A bare API server (no controllers) holding `services` ready services with `revisions` revisions in all, plus one
 * service with `bigRevisions`.
 */
export async function startScaleCluster(opts: {
  services: number;
  revisions: number;
  namespaces: number;
  bigRevisions: number;
}): Promise<BenchCluster> {
  const { createRegistry } = await import('../src/sim/api/registry.js');
  const { startApiServer } = await import('../src/sim/api/server.js');
  const { renderKubeconfig } = await import('../src/sim/api/kubeconfig.js');
  const registry = createRegistry();
  const nsDef = registry.resource('namespaces', '')!;
  const svcDef = registry.resource('services', SERVING_GROUP)!;
  const revDef = registry.resource('revisions', SERVING_GROUP)!;
  const perNs = Math.ceil(opts.services / opts.namespaces);
  const revsPerSvc = Math.max(1, Math.round(opts.revisions / opts.services));
  const namespaces = Array.from({ length: opts.namespaces }, (_, i) => `team-${String(i).padStart(2, '0')}`);
  for (const name of ['default', 'big', ...namespaces])
    registry.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, SYSTEM);
  const fill = (ns: string, name: string, count: number): void => {
    const last = `${name}-${String(count).padStart(5, '0')}`;
    const svc = registry.create(svcDef, ns, serviceObject(ns, name, count), SYSTEM);
    registry.updateStatus(
      svcDef,
      ns,
      { ...svc, status: serviceStatus(ns, name, last, svc.metadata.generation ?? 1) },
      SYSTEM,
    );
    for (let g = 1; g <= count; g++) {
      const rev = registry.create(revDef, ns, revisionObject(ns, name, g), SYSTEM);
      registry.updateStatus(
        revDef,
        ns,
        { ...rev, status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] } },
        SYSTEM,
      );
    }
  };
  for (let i = 0; i < opts.services; i++)
    fill(namespaces[Math.floor(i / perNs)], `svc-${String(i).padStart(4, '0')}`, revsPerSvc);
  fill('big', 'big', opts.bigRevisions);

  const token = randomBytes(16).toString('hex');
  const api = await startApiServer({ registry, token });
  const dir = mkdtempSync(join(tmpdir(), 'bgctl-bench-scale-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const kubeconfig = renderKubeconfig({ server: api.url, caPem: api.caPem, token });
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  return {
    server: api.url,
    token,
    kubeconfigPath,
    kubeconfig,
    registry,
    stop: async () => {
      await api.stop();
      registry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function serviceObject(ns: string, name: string, generation: number): KObject {
  return {
    apiVersion: `${SERVING_GROUP}/v1`,
    kind: 'Service',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      template: {
        spec: {
          containers: [{ image: `ghcr.io/bgctl/${name}:v${generation}`, env: [{ name: 'MODE', value: 'blue' }] }],
        },
      },
      traffic: [{ latestRevision: true, percent: 100 }],
    },
  };
}

function serviceStatus(ns: string, name: string, revision: string, generation: number): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    observedGeneration: generation,
    url: `http://${name}.${ns}.example.com`,
    address: { url: `http://${name}.${ns}.svc.cluster.local` },
    latestCreatedRevisionName: revision,
    latestReadyRevisionName: revision,
    traffic: [{ revisionName: revision, latestRevision: true, percent: 100 }],
    conditions: ['ConfigurationsReady', 'Ready', 'RoutesReady'].map((type) => ({
      type,
      status: 'True',
      lastTransitionTime: now,
    })),
  };
}

function revisionObject(ns: string, service: string, generation: number): KObject {
  return {
    apiVersion: `${SERVING_GROUP}/v1`,
    kind: 'Revision',
    metadata: {
      name: `${service}-${String(generation).padStart(5, '0')}`,
      namespace: ns,
      labels: {
        'serving.knative.dev/service': service,
        'serving.knative.dev/configuration': service,
        'serving.knative.dev/configurationGeneration': String(generation),
      },
    },
    spec: {
      containers: [{ image: `ghcr.io/bgctl/${service}:v${generation}` }],
      containerConcurrency: 0,
      timeoutSeconds: 300,
    },
  };
}
