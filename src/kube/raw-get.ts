// A bare GET for bgctl's one core-API read (does a namespace exist?): CustomObjectsApi only reaches /apis/..., and
// the typed core API needs model classes the bundle leaves out. Reads only the status code; traced, never retried.
import https from 'node:https';
import http from 'node:http';
import type { AgentPool } from './agent.js';
import type { LoadedKubeconfig } from './kubeconfig.js';
import type { Tracer } from './trace.js';

export interface RawGetOptions {
  userAgent: string;
  tracer: Tracer;
  agents: AgentPool;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The HTTP status of GET server+path, or undefined when there is no answer (error, timeout). */
export async function getStatus(
  loaded: LoadedKubeconfig,
  path: string,
  opts: RawGetOptions,
): Promise<number | undefined> {
  // The server as configured (a path prefix kept); loaded.server is its printable form, for the trace.
  const server = (loaded.kubeConfig.getCurrentCluster()?.server ?? loaded.server).replace(/\/+$/, '');
  const url = new URL(server + path);
  const init = (await loaded.kubeConfig.applyToFetchOptions({
    method: 'GET',
    headers: { 'User-Agent': opts.userAgent, Accept: 'application/json' },
  })) as {
    headers?: { forEach?(fn: (v: string, k: string) => void): void };
    agent?: http.Agent;
  };
  const headers: Record<string, string> = {};
  init.headers?.forEach?.((v, k) => (headers[k] = v));
  loaded.secrets.addAuthorization(headers.authorization);
  const agent = init.agent ? opts.agents.agentFor(init.agent, { enforceTls: !loaded.insecure }) : undefined;
  const finish = opts.tracer.start('GET', loaded.server.replace(/\/+$/, '') + path, headers);
  const signals = [
    opts.signal,
    opts.timeoutMs && opts.timeoutMs > 0 ? AbortSignal.timeout(opts.timeoutMs) : undefined,
  ].filter((s): s is AbortSignal => !!s);
  return new Promise((resolve) => {
    const get = url.protocol === 'http:' ? http.get : https.get;
    const req = get(url, { headers, agent, signal: signals.length ? AbortSignal.any(signals) : undefined }, (res) => {
      res.resume();
      finish({ status: res.statusCode });
      resolve(res.statusCode);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      finish({ error: e.code ?? e.name });
      resolve(undefined);
    });
  });
}
