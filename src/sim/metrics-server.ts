// The playground's Prometheus scrape target: GET /metrics on its own port, and the bookkeeping that gives every Ready
// revision its series (at 0) before its first request.
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { KObject, Registry } from './api/contracts.js';
import { L } from './knative/constants.js';
import type { RequestMetrics, RevisionIdentity } from './metrics.js';

/** The content type of Prometheus text exposition format 0.0.4. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A running scrape target. */
export interface MetricsServer {
  /** `127.0.0.1:PORT`; the path is `/metrics`. */
  address: string;
  port: number;
  /** Calls `fn` after every answered scrape; returns the unsubscribe function. */
  onScrape(fn: () => void): () => void;
  stop(): Promise<void>;
}

/** The labels a revision's series carry, from the labels Knative's controllers put on it. */
export function revisionIdentity(rev: KObject): RevisionIdentity {
  const labels: Record<string, string> = rev.metadata.labels ?? {};
  return {
    namespace: rev.metadata.namespace ?? '',
    service: labels[L.service] ?? '',
    configuration: labels[L.configuration] ?? '',
    revision: rev.metadata.name,
  };
}

const isReady = (rev: KObject): boolean =>
  Boolean(
    rev.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'),
  );

/** Declares the series of every revision once it is Ready and drops them when it is deleted. */
export function trackRevisions(registry: Registry, metrics: RequestMetrics): () => void {
  const revDef = registry.resource('revisions', 'serving.knative.dev');
  if (!revDef) throw new Error('the registry does not serve Knative Serving');
  for (const rev of registry.list(revDef, undefined).items) if (isReady(rev)) metrics.declare(revisionIdentity(rev));
  return registry.onChange((ev) => {
    if (ev.resource.plural !== 'revisions') return;
    const rev = ev.object;
    if (ev.type === 'DELETED') metrics.forget(rev.metadata.namespace ?? '', rev.metadata.name);
    else if (isReady(rev)) metrics.declare(revisionIdentity(rev));
  });
}

/** Serves `metrics.render()` on GET /metrics; port 0 (the default) picks a free port. */
export async function startMetricsServer(
  metrics: RequestMetrics,
  opts: { port?: number; host?: string } = {},
): Promise<MetricsServer> {
  const listeners = new Set<() => void>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('not found: the metrics are at /metrics\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' });
      return void res.end('method not allowed\n');
    }
    const body = metrics.render();
    res.writeHead(200, { 'Content-Type': EXPOSITION_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body, () => {
      for (const l of [...listeners]) l();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    address: `${host}:${port}`,
    port,
    onScrape: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
