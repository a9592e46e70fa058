// The playground's data plane: plain HTTP on 127.0.0.1 routing by Host header as status.traffic says. The main host
// (and the cluster-local address) split by percent with smooth weighted round-robin, so short runs match the split;
// a tag host serves its revision; anything else is 404.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { KObject, Registry } from './api/contracts.js';
import type { TrafficTarget } from '../core/knative-types.js';
import { knobsOf } from './knative/knobs.js';

/** A running ingress. */
export interface Ingress {
  port: number;
  /** `127.0.0.1:PORT`, for `--ingress` and Host-header requests. */
  address: string;
  stop(): Promise<void>;
}

interface Backend {
  service: KObject;
  /** revision name -> percent; a tag host has a single entry. */
  split: Array<{ revision: string; percent: number }>;
}

/** Called once per request a revision answered (not for 404s or unready revisions), with the time it took. */
export type ServedListener = (revision: KObject, code: number, seconds: number) => void;

/** Starts the ingress; port 0 (the default) picks a free port. */
export async function startIngress(
  registry: Registry,
  opts: { port?: number; host?: string; onServed?: ServedListener } = {},
): Promise<Ingress> {
  const svcDef = registry.resource('services', 'serving.knative.dev');
  const revDef = registry.resource('revisions', 'serving.knative.dev');
  if (!svcDef || !revDef) throw new Error('the registry does not serve Knative Serving');
  const balancer = new Balancer();
  const errorCounters = new Map<string, number>();
  const sockets = new Set<Socket>();
  const held = new Set<NodeJS.Timeout>();

  // Host -> backend, rebuilt on the first request after any Service changed: with thousands of
  // Services, listing them all on every request would make the data plane the bottleneck.
  let hosts: Map<string, Backend> | undefined;
  const unsubscribe = registry.onChange((ev) => {
    if (ev.resource === svcDef || ev.resource.plural === 'services') hosts = undefined;
  });
  const buildHosts = (): Map<string, Backend> => {
    const map = new Map<string, Backend>();
    for (const svc of registry.list(svcDef, undefined).items) {
      const traffic: TrafficTarget[] = svc.status?.traffic ?? [];
      if (!traffic.length) continue;
      const main: Backend = {
        service: svc,
        split: traffic
          .filter((t) => t.revisionName && (t.percent ?? 0) > 0)
          .map((t) => ({ revision: t.revisionName!, percent: t.percent! })),
      };
      for (const h of [hostOf(svc.status?.url), hostOf(svc.status?.address?.url)])
        if (h && !map.has(h)) map.set(h, main);
      for (const t of traffic) {
        const h = hostOf(t.url);
        if (h && t.revisionName && !map.has(h))
          map.set(h, { service: svc, split: [{ revision: t.revisionName, percent: 100 }] });
      }
    }
    return map;
  };
  const lookup = (host: string): Backend | undefined => (hosts ??= buildHosts()).get(host);

  const handle = (req: IncomingMessage, res: ServerResponse, started: number): void => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const backend = lookup(host);
    if (!backend || backend.split.length === 0) {
      reply(res, 404, `no route for host ${JSON.stringify(host)}\n`);
      return;
    }
    const ns = backend.service.metadata.namespace;
    const revision = balancer.pick(`${ns}/${host}`, backend.split);
    const rev = registry.tryGet(revDef, ns, revision);
    const ready = rev?.status?.conditions?.find((c: { type: string }) => c.type === 'Ready');
    if (!rev || ready?.status !== 'True') {
      reply(res, 503, `revision ${revision} is not ready\n`, { 'X-Revision': revision });
      return;
    }
    const knobs = knobsOf(rev.metadata.annotations);
    const image: string = rev.spec?.containers?.[0]?.image ?? '';
    // Errors are spread evenly: the n-th request fails when floor(n*rate) steps up.
    const n = (errorCounters.get(rev.metadata.uid ?? revision) ?? 0) + 1;
    errorCounters.set(rev.metadata.uid ?? revision, n);
    const fail = Math.floor(n * knobs.errorRate + 1e-9) > Math.floor((n - 1) * knobs.errorRate + 1e-9);
    const send = () => {
      if (fail)
        reply(res, 500, `Internal error from ${revision} (simulated error rate ${knobs.errorRate})\n`, {
          'X-Revision': revision,
        });
      else
        reply(res, 200, `Hello from ${revision} (service ${backend.service.metadata.name}, image ${image})\n`, {
          'X-Revision': revision,
        });
      // Measured as queue-proxy does: from the request reaching the revision to the answer being written.
      opts.onServed?.(rev, fail ? 500 : 200, (performance.now() - started) / 1000);
    };
    if (knobs.latencyMs > 0) {
      // A held answer must not outlive its client or the ingress (a `1h` latency would keep the process alive).
      const timer = setTimeout(() => {
        held.delete(timer);
        send();
      }, knobs.latencyMs);
      held.add(timer);
      res.once('close', () => {
        clearTimeout(timer);
        held.delete(timer);
      });
    } else send();
  };

  const server = createServer((req, res) => {
    // Drain the body so keep-alive connections stay usable.
    const started = performance.now();
    req.resume();
    req.on('end', () => {
      try {
        handle(req, res, started);
      } catch (err) {
        reply(res, 500, `ingress error: ${String(err)}\n`);
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => {
      unsubscribe();
      reject(err);
    };
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    address: `${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        for (const t of held) clearTimeout(t);
        held.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, code: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(code, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Smooth weighted round-robin per host; state resets whenever the split changes. */
class Balancer {
  private readonly state = new Map<string, { sig: string; current: number[] }>();

  pick(key: string, split: Array<{ revision: string; percent: number }>): string {
    if (split.length === 1) return split[0].revision;
    const sig = JSON.stringify(split);
    let st = this.state.get(key);
    if (!st || st.sig !== sig) {
      st = { sig, current: split.map(() => 0) };
      this.state.set(key, st);
    }
    const total = split.reduce((s, t) => s + t.percent, 0);
    let best = 0;
    for (let i = 0; i < split.length; i++) {
      st.current[i] += split[i].percent;
      if (st.current[i] > st.current[best]) best = i;
    }
    st.current[best] -= total;
    return split[best].revision;
  }
}
