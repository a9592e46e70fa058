// One keep-alive pool per KnativeClient: client-node 1.4 builds a new https.Agent (a TCP connect and TLS handshake)
// per request, so its agent's resolved TLS options are reused for a pooled agent. Other options (a rotated client
// certificate) get another pool, so a connection is never reused under other credentials.

import http from 'node:http';
import https from 'node:https';

/** Swaps client-node's per-request agent for a pooled keep-alive one with identical TLS options. */
export interface AgentPool {
  /** The pooled agent for `agent`'s options (a proxy agent is returned as is); `enforceTls` forces verification. */
  agentFor<A>(agent: A, opts: { enforceTls: boolean }): A;
  /** How many pooled agents were created (for tests). */
  readonly created: number;
  /** Closes every pooled socket, busy ones included. */
  destroy(): void;
}

// Keys Node itself adds to Agent.options, or that only tune the pool: never part of the identity.
const BOOKKEEPING = new Set([
  'path',
  'noDelay',
  'keepAlive',
  'keepAliveMsecs',
  'maxSockets',
  'maxFreeSockets',
  'maxTotalSockets',
  'scheduling',
  'timeout',
]);
// A client certificate can rotate; a handful of live pools is plenty, older ones are closed.
const MAX_POOLS = 4;

type Options = Record<string, unknown>;

/** The options that decide who we are and whom we trust: undefined values dropped. */
function identity(options: Options): Options {
  const out: Options = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined && !BOOKKEEPING.has(k)) out[k] = v;
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  return false;
}

/** True when both identities have the same keys with equal values (Buffers by content). */
export function sameIdentity(a: Options, b: Options): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameValue(a[k], b[k]));
}

// An evicted pool may still carry a request (a watch); only its idle sockets are closed now.
function closeIdle(agent: http.Agent): void {
  for (const list of Object.values(agent.freeSockets)) for (const s of list ?? []) s.destroy();
}

/** A new, empty pool. */
export function createAgentPool(): AgentPool {
  const pools: Array<{ id: Options; agent: http.Agent }> = [];
  let created = 0;
  return {
    agentFor<A>(agent: A, opts: { enforceTls: boolean }): A {
      const a = agent as unknown as http.Agent & { options?: Options };
      const ctor = a?.constructor;
      // Exact classes only: proxy agents subclass http.Agent but tunnel through their own sockets.
      if (!a || (ctor !== https.Agent && ctor !== http.Agent) || !a.options) return agent;
      const secure = ctor === https.Agent;
      const id = identity(a.options);
      if (secure && opts.enforceTls) id.rejectUnauthorized = true;
      let entry = pools.find((p) => p.agent.constructor === ctor && sameIdentity(p.id, id));
      if (!entry) {
        const options = { ...id, keepAlive: true };
        entry = { id, agent: secure ? new https.Agent(options) : new http.Agent(options) };
        created++;
        pools.push(entry);
        const evicted = pools.length > MAX_POOLS ? pools.shift() : undefined;
        if (evicted) closeIdle(evicted.agent);
      }
      return entry.agent as unknown as A;
    },
    get created() {
      return created;
    },
    destroy() {
      for (const p of pools.splice(0)) p.agent.destroy();
    },
  };
}
