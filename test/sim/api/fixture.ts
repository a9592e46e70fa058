// A bare API server (registry + HTTPS, no Knative controllers) for the API tests, with a
// client-node KubeConfig pointed at it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { createRegistry, type SimRegistry } from '../../../src/sim/api/registry.js';
import { startApiServer, type ApiServer } from '../../../src/sim/api/server.js';
import { renderKubeconfig } from '../../../src/sim/api/kubeconfig.js';

export interface ApiFixture {
  registry: SimRegistry;
  server: ApiServer;
  token: string;
  readOnlyToken: string;
  kubeconfigPath: string;
  readOnlyKubeconfigPath: string;
  kc: k8s.KubeConfig;
  viewer: k8s.KubeConfig;
  dir: string;
  stop(): Promise<void>;
}

/** Starts a registry with namespace default and an HTTPS server with an admin and a viewer token. */
export async function startApiFixture(
  opts: { historyLimit?: number; bookmarkIntervalMs?: number } = {},
): Promise<ApiFixture> {
  const registry = createRegistry(opts);
  registry.create(
    registry.resource('namespaces', '')!,
    undefined,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
    { user: 'setup' },
  );
  const token = randomBytes(16).toString('hex');
  const readOnlyToken = randomBytes(16).toString('hex');
  const server = await startApiServer({ registry, token, readOnlyToken });
  const dir = mkdtempSync(join(tmpdir(), 'bgctl-api-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const readOnlyKubeconfigPath = join(dir, 'kubeconfig-viewer');
  writeFileSync(kubeconfigPath, renderKubeconfig({ server: server.url, caPem: server.caPem, token }));
  writeFileSync(
    readOnlyKubeconfigPath,
    renderKubeconfig({
      server: server.url,
      caPem: server.caPem,
      token: readOnlyToken,
      name: 'bgctl-playground-viewer',
    }),
  );
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const viewer = new k8s.KubeConfig();
  viewer.loadFromFile(readOnlyKubeconfigPath);
  return {
    registry,
    server,
    token,
    readOnlyToken,
    kubeconfigPath,
    readOnlyKubeconfigPath,
    kc,
    viewer,
    dir,
    async stop() {
      await server.stop();
      registry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Knative Service manifest. */
export function ksvc(name: string, image = 'ghcr.io/bgctl/hello:v1'): any {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name },
    spec: { template: { spec: { containers: [{ image }] } }, traffic: [{ latestRevision: true, percent: 100 }] },
  };
}

/** Parses an ApiException body (a string in client-node 1.4). */
export function bodyOf(err: any): any {
  try {
    return typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
  } catch {
    return err.body;
  }
}

/** Runs fn and returns the ApiException it throws. */
export async function rejection(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

/** A raw HTTPS response. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): any;
}

/** A raw HTTPS request to the fixture's server (node:https with the CA; no client library). */
export async function call(
  f: Pick<ApiFixture, 'server' | 'token'>,
  method: string,
  path: string,
  opts: { body?: unknown; contentType?: string; accept?: string; token?: string | null } = {},
): Promise<RawResponse> {
  const https = await import('node:https');
  const url = new URL(path, f.server.url);
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? f.token : opts.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.accept) headers.Accept = opts.accept;
  let payload: string | undefined;
  if (opts.body !== undefined) {
    payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['Content-Type'] = opts.contentType ?? 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca: f.server.caPem }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) }),
      );
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Opens a watch stream and collects its events until the server closes it. */
export async function watchLines(
  f: Pick<ApiFixture, 'server' | 'token'>,
  path: string,
  opts: { accept?: string; onEvent?: (ev: any, all: any[]) => void } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  events: any[];
  done: Promise<any[]>;
  close(): void;
}> {
  const https = await import('node:https');
  const url = new URL(path, f.server.url);
  const headers: Record<string, string> = { Authorization: `Bearer ${f.token}` };
  if (opts.accept) headers.Accept = opts.accept;
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'GET', headers, ca: f.server.caPem }, (res) => {
      const events: any[] = [];
      let buf = '';
      const done = new Promise<any[]>((r) => {
        res.on('end', () => r(events));
        res.on('close', () => r(events));
      });
      res.on('data', (c) => {
        buf += c;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (!line.trim()) continue;
          const ev = JSON.parse(line);
          events.push(ev);
          opts.onEvent?.(ev, events);
        }
      });
      resolve({ status: res.statusCode!, headers: res.headers, events, done, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The Knative Services of namespace default, as CustomObjectsApi parameters. */
export const SERVICES = { group: 'serving.knative.dev', version: 'v1', plural: 'services', namespace: 'default' };
/** Patch content types for CustomObjectsApi calls. */
export const mergePatch = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
export const jsonPatch = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
