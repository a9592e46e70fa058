// /sim/v1: the request log and fault injection that tests use to observe and disturb the server.

/** One logged API request. */
export interface RequestRecord {
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  verb: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  code: number;
  userAgent: string;
  user?: string;
  fault?: string;
}

/** Fault settings accepted by POST /sim/v1/faults. Probabilities are 0..1. */
export interface FaultConfig {
  /** 409 Conflict (optimistic lock) on writes. */
  conflictProbability?: number;
  /** 500 InternalError. */
  errorProbability?: number;
  /** 503 ServiceUnavailable. */
  unavailableProbability?: number;
  /** 429 text/plain with Retry-After, like priority-and-fairness. */
  throttleProbability?: number;
  /** Retry-After seconds for 429 (and retryAfterSeconds of 503). Default 1. */
  retryAfterSeconds?: number;
  /** Added to every API request (of the `verbs` and `resources` when given). */
  latencyMs?: number;
  /** Watch streams are closed (cleanly) this long after they open. */
  closeWatchAfterMs?: number;
  /** Seed of the deterministic PRNG that decides which requests fail. */
  seed?: number;
  /** Limit faults and latency to these verbs (get, list, watch, create, update, patch, delete) and plurals. */
  verbs?: string[];
  resources?: string[];
}

const NUM_KEYS = [
  'conflictProbability',
  'errorProbability',
  'unavailableProbability',
  'throttleProbability',
  'retryAfterSeconds',
  'latencyMs',
  'closeWatchAfterMs',
  'seed',
] as const;

/** mulberry32: small, fast and good enough to make fault sequences reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The fault to inject into one request. */
export type Fault =
  | { kind: 'conflict' }
  | { kind: 'error' }
  | { kind: 'unavailable'; retryAfter: number }
  | { kind: 'throttle'; retryAfter: number };

/** Request log and fault state of one server. */
export class SimControl {
  private records: RequestRecord[] = [];
  private faults: FaultConfig = {};
  private random: () => number = Math.random;

  constructor(private readonly maxRecords = 10_000) {}

  log(r: RequestRecord): void {
    this.records.push(r);
    if (this.records.length > this.maxRecords) this.records.splice(0, this.records.length - this.maxRecords);
  }

  /** The log plus counts by verb and resource (`counts[verb][resource]`). */
  report(): { requests: RequestRecord[]; counts: Record<string, Record<string, number>> } {
    const counts: Record<string, Record<string, number>> = {};
    for (const r of this.records) {
      const byRes = (counts[r.verb] ??= {});
      const key = r.resource ? (r.subresource ? `${r.resource}/${r.subresource}` : r.resource) : r.path;
      byRes[key] = (byRes[key] ?? 0) + 1;
    }
    return { requests: this.records, counts };
  }

  resetLog(): void {
    this.records = [];
  }

  getFaults(): FaultConfig {
    return { ...this.faults };
  }

  /** Validates and installs a fault config; returns an error text for a bad one. */
  setFaults(input: unknown): string | undefined {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return 'fault config must be a JSON object';
    const cfg: FaultConfig = {};
    for (const [k, v] of Object.entries(input)) {
      if ((NUM_KEYS as readonly string[]).includes(k)) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return `${k} must be a non-negative number`;
        if (k.endsWith('Probability') && v > 1) return `${k} must be between 0 and 1`;
        (cfg as Record<string, number>)[k] = v;
      } else if (k === 'verbs' || k === 'resources') {
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return `${k} must be a list of strings`;
        cfg[k] = v;
      } else return `unknown fault setting ${JSON.stringify(k)}`;
    }
    this.faults = cfg;
    this.random = cfg.seed !== undefined ? prng(cfg.seed) : Math.random;
    return undefined;
  }

  clearFaults(): void {
    this.faults = {};
    this.random = Math.random;
  }

  /** The latency to add to this request: every request's, or only those of the `verbs` and `resources` given. */
  latencyMs(verb: string, resource: string | undefined): number {
    return this.applies(verb, resource) ? (this.faults.latencyMs ?? 0) : 0;
  }

  private applies(verb: string, resource: string | undefined): boolean {
    const f = this.faults;
    if (f.verbs && !f.verbs.includes(verb)) return false;
    return !f.resources || (resource !== undefined && f.resources.includes(resource));
  }

  closeWatchAfterMs(): number | undefined {
    return this.faults.closeWatchAfterMs;
  }

  /** Decides, with the seeded PRNG, whether this resource request fails and how. */
  pickFault(verb: string, resource: string | undefined): Fault | undefined {
    const f = this.faults;
    if (!this.applies(verb, resource)) return undefined;
    const retryAfter = f.retryAfterSeconds ?? 1;
    const write = ['create', 'update', 'patch', 'delete', 'deletecollection'].includes(verb);
    if (write && f.conflictProbability && this.random() < f.conflictProbability) return { kind: 'conflict' };
    if (f.throttleProbability && this.random() < f.throttleProbability) return { kind: 'throttle', retryAfter };
    if (f.unavailableProbability && this.random() < f.unavailableProbability)
      return { kind: 'unavailable', retryAfter };
    if (f.errorProbability && this.random() < f.errorProbability) return { kind: 'error' };
    return undefined;
  }
}
