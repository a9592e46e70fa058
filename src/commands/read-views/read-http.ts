// The HTTP side of `bgctl verify`: one GET per call with a timeout, optionally via an ingress address with the tag
// URL's Host header (a cluster without DNS, the playground). No retries: every failure is a data point.
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { BODY_CHECK_LIMIT, type ConnectTarget, type Sample } from '../../core/verify.js';

/** Header a revision may identify itself with (the playground's ingress sets it). */
export const REVISION_HEADERS = ['x-revision', 'knative-revision'] as const;

/** What --expect-body reads of a body; the rest is drained and dropped, and the sample says so. */
const MAX_BODY = BODY_CHECK_LIMIT;

/** A reusable prober: one keep-alive agent per run, so latency measures the service, not TCP setup. */
export interface Prober {
  get(url: URL, opts: { connectTo?: ConnectTarget; timeoutMs: number; signal?: AbortSignal }): Promise<Sample>;
  close(): void;
}

/** Creates a prober; call close() when done so no socket outlives the command. */
export function createProber(maxSockets = 1): Prober {
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets }),
  };
  return {
    get: (url, opts) => probe(url, opts, agents),
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function probe(
  url: URL,
  opts: { connectTo?: ConnectTarget; timeoutMs: number; signal?: AbortSignal },
  agents: { http: http.Agent; https: https.Agent },
): Promise<Sample> {
  const secure = url.protocol === 'https:';
  const lib = secure ? https : http;
  const start = performance.now();
  const elapsed = () => performance.now() - start;
  return new Promise<Sample>((resolve) => {
    let settled = false;
    const done = (s: Sample) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(s);
    };
    const req = lib.request(
      {
        protocol: url.protocol,
        host: opts.connectTo?.host ?? url.hostname,
        port: opts.connectTo?.port ?? (url.port || (secure ? 443 : 80)),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        // The Host header selects the route; SNI must name the URL's host for TLS too.
        headers: { Host: url.host, 'User-Agent': 'bgctl-verify', Accept: '*/*' },
        servername: secure ? url.hostname : undefined,
        agent: secure ? agents.https : agents.http,
      } as https.RequestOptions,
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < MAX_BODY) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          const header = REVISION_HEADERS.map((h) => res.headers[h]).find((v) => v !== undefined);
          done({
            status: res.statusCode,
            latencyMs: elapsed(),
            body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8'),
            ...(size > MAX_BODY ? { bodyTruncated: true } : {}),
            ...(header ? { revision: String(header) } : {}),
          });
        });
        res.on('error', (err) => done(transportError(err, elapsed())));
      },
    );
    const timer = setTimeout(() => {
      done({ latencyMs: elapsed(), error: { code: 'Timeout', message: `no response within ${opts.timeoutMs} ms` } });
      req.destroy();
    }, opts.timeoutMs);
    const onAbort = () => {
      done({ latencyMs: elapsed(), error: { code: 'Aborted', message: 'cancelled' } });
      req.destroy();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => done(transportError(err, elapsed())));
    req.end();
  });
}

function transportError(err: Error & { code?: string }, latencyMs: number): Sample {
  const code = err.code ?? 'Error';
  const message = err.message && err.message !== code ? err.message : code;
  return { latencyMs, error: { code, message } };
}
