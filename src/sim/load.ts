// Synthetic users: requests per second to the main URL of services, through the ingress, so the route's split decides
// which revision answers. Runs on real time (Prometheus scrapes on real time, not on the control plane's SimClock).
// Never piles up: at most MAX_IN_FLIGHT requests per service are open; a request due while that many are open is
// dropped and counted, never queued.
import { Agent, request } from 'node:http';
import type { KObject, Registry } from './api/contracts.js';
import { MAX_LOAD_RPS } from './load-limits.js';

export { MAX_LOAD_RPS };
/** Open requests per service beyond which due requests are dropped. */
export const MAX_IN_FLIGHT = 64;
const TICK_MS = 50;

/** One service's load, as GET /sim/v1/load reports it. */
export interface ServiceLoad {
  namespace: string;
  service: string;
  rps: number;
  /** `set`: POST /sim/v1/load chose the rate; `default`: the playground's `--load`. */
  source: 'set' | 'default';
  sent: number;
  /** Answers by status code; `error` counts requests that got no answer. */
  answers: Record<string, number>;
  dropped: number;
  inFlight: number;
}

/** The state of the load generator. */
export interface LoadReport {
  defaultRps: number;
  services: ServiceLoad[];
}

/** A running load generator. */
export interface Load {
  /** Sets the rate of one service (0 stops it, even under a default rate). */
  set(namespace: string, service: string, rps: number): void;
  report(): LoadReport;
  /** Calls `fn` after every tick that sent or dropped a request and after every answer; returns the unsubscribe. */
  onActivity(fn: () => void): () => void;
  stop(): void;
}

/** A validated POST /sim/v1/load body. */
export interface LoadRequest {
  namespace: string;
  service: string;
  rps: number;
}

/** Checks a rate; returns an error text for a bad one. */
export function rpsError(rps: unknown, what = 'rps'): string | undefined {
  if (typeof rps !== 'number' || !Number.isFinite(rps) || rps < 0 || rps > MAX_LOAD_RPS)
    return `${what} must be a number from 0 to ${MAX_LOAD_RPS}`;
  return undefined;
}

/** Validates a POST /sim/v1/load body; returns the request or an error text. */
export function parseLoadRequest(input: unknown): LoadRequest | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return 'load request must be a JSON object {"namespace","service","rps"}';
  const o = input as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => !['namespace', 'service', 'rps'].includes(k));
  if (unknown !== undefined) return `unknown load setting ${JSON.stringify(unknown)}`;
  for (const k of ['namespace', 'service'] as const)
    if (typeof o[k] !== 'string' || o[k] === '') return `${k} must be a non-empty string`;
  const bad = rpsError(o.rps);
  if (bad) return bad;
  return { namespace: o.namespace as string, service: o.service as string, rps: o.rps as number };
}

interface State {
  credit: number;
  sent: number;
  dropped: number;
  inFlight: number;
  answers: Record<string, number>;
}

/** Starts sending `defaultRps` to every routable service, and whatever set() says to the others. */
export function startLoad(registry: Registry, opts: { ingress: string; defaultRps?: number }): Load {
  const svcDef = registry.resource('services', 'serving.knative.dev');
  if (!svcDef) throw new Error('the registry does not serve Knative Serving');
  const defaultRps = opts.defaultRps ?? 0;
  const bad = rpsError(defaultRps, 'the default load');
  if (bad) throw new Error(bad);
  const at = opts.ingress.lastIndexOf(':');
  const hostname = opts.ingress.slice(0, at);
  const port = Number(opts.ingress.slice(at + 1));
  const agent = new Agent({ keepAlive: true });
  const explicit = new Map<string, number>();
  const states = new Map<string, State>();
  const open = new Set<ReturnType<typeof request>>();
  let stopped = false;
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const l of [...listeners]) l();
  };

  // The service list is read again only after a Service changed (thousands of them must not cost a list per tick).
  let services: KObject[] | undefined;
  const unsubscribe = registry.onChange((ev) => {
    if (ev.resource.plural === 'services') services = undefined;
  });
  const key = (ns: string, name: string): string => `${ns}/${name}`;
  const stateOf = (k: string): State => {
    let st = states.get(k);
    if (!st) states.set(k, (st = { credit: 0, sent: 0, dropped: 0, inFlight: 0, answers: {} }));
    return st;
  };
  const rateOf = (k: string): number => explicit.get(k) ?? defaultRps;

  const fire = (host: string, st: State): void => {
    st.sent++;
    st.inFlight++;
    let done = false;
    const finish = (outcome: string): void => {
      if (done) return;
      done = true;
      st.inFlight--;
      st.answers[outcome] = (st.answers[outcome] ?? 0) + 1;
      open.delete(req);
      notify();
    };
    const req = request(
      {
        hostname,
        port,
        path: '/',
        method: 'GET',
        agent,
        headers: { Host: host, 'User-Agent': 'bgctl-playground-load' },
      },
      (res) => {
        res.resume();
        res.on('end', () => finish(String(res.statusCode)));
        res.on('error', () => finish('error'));
      },
    );
    req.on('error', () => finish('error'));
    open.add(req);
    req.end();
  };

  let last = performance.now();
  const tick = (): void => {
    const now = performance.now();
    const dt = (now - last) / 1000;
    last = now;
    // With no rate anywhere and no credit left a tick does nothing; listing (and copying) every Service on each
    // tick after a change cost a burst of new Services more than their controllers did.
    if (!defaultRps && ![...explicit.values()].some((r) => r > 0) && ![...states.values()].some((st) => st.credit))
      return;
    services ??= registry.list(svcDef, undefined).items;
    let active = false;
    for (const svc of services) {
      const k = key(svc.metadata.namespace ?? '', svc.metadata.name);
      const rps = rateOf(k);
      const host = routableHost(svc);
      if (rps <= 0 || !host) {
        const idle = states.get(k);
        if (idle) idle.credit = 0;
        continue;
      }
      const st = stateOf(k);
      st.credit += rps * dt;
      const due = Math.floor(st.credit);
      st.credit -= due;
      for (let i = 0; i < due; i++) {
        active = true;
        if (st.inFlight >= MAX_IN_FLIGHT) st.dropped++;
        else fire(host, st);
      }
    }
    if (active) notify();
  };
  const timer = setInterval(() => {
    if (!stopped) tick();
  }, TICK_MS);
  timer.unref();

  return {
    set(namespace, service, rps) {
      explicit.set(key(namespace, service), rps);
    },
    report() {
      const keys = new Set([...explicit.keys(), ...states.keys()]);
      if (defaultRps > 0)
        for (const svc of (services ??= registry.list(svcDef, undefined).items))
          if (routableHost(svc)) keys.add(key(svc.metadata.namespace ?? '', svc.metadata.name));
      return {
        defaultRps,
        services: [...keys].sort().map((k) => {
          const [namespace, service] = k.split('/');
          const st = states.get(k);
          return {
            namespace,
            service,
            rps: rateOf(k),
            source: explicit.has(k) ? 'set' : 'default',
            sent: st?.sent ?? 0,
            answers: { ...(st?.answers ?? {}) },
            dropped: st?.dropped ?? 0,
            inFlight: st?.inFlight ?? 0,
          };
        }),
      };
    },
    onActivity(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      for (const r of open) r.destroy();
      agent.destroy();
    },
  };
}

/**
 * The host of a service's main URL when the ingress routes it (a URL and some traffic). A service whose newest
 * revision failed is not Ready but still serves its users on the old revision, so it keeps its load.
 */
function routableHost(svc: KObject): string | undefined {
  const traffic: Array<{ percent?: number }> = svc.status?.traffic ?? [];
  if (!traffic.some((t) => (t.percent ?? 0) > 0)) return undefined;
  try {
    return new URL(svc.status?.url).hostname;
  } catch {
    return undefined;
  }
}
