// --verbose HTTP trace (one line per request, headers redacted), hooked into client-node as per-call middleware,
// which also applies the request timeout, the caller's AbortSignal and explicit headers.

import { performance } from 'node:perf_hooks';
import type { RequestContext, ResponseContext } from '@kubernetes/client-node';
import type { AgentPool } from './agent.js';
import { redactHeaderValue, redactText, type SecretSet } from '../core/redact.js';

export type TraceSink = (line: string) => void;

/** Formats and emits trace lines; a no-op when verbose is off. */
export interface Tracer {
  readonly enabled: boolean;
  /** Starts a request; call the returned function with the outcome. */
  start(
    method: string,
    url: string,
    headers: Record<string, string>,
  ): (outcome: { status?: number; error?: string; label?: string }) => void;
  /** A free-form line (retries, watch reconnects), redacted. */
  note(line: string): void;
}

/** A tracer writing to `sink` (none: disabled), redacting `secrets` from every line. */
export function createTracer(sink: TraceSink | undefined, secrets: Iterable<string> = []): Tracer {
  const emit = (line: string) => sink?.(redactText(line, secrets));
  return {
    enabled: !!sink,
    start(method, url, headers) {
      if (!sink) return () => {};
      const t0 = performance.now();
      const shown = Object.entries(headers)
        .map(([k, v]) => `${k}: ${redactHeaderValue(k, String(v))}`)
        .join(', ');
      return ({ status, error, label }) => {
        const ms = Math.round(performance.now() - t0);
        const result = label ?? (status !== undefined ? String(status) : `failed (${error ?? 'error'})`);
        emit(label ? `${method} ${url} ${label}` : `${method} ${url} ${result} in ${ms} ms`);
        if (shown) emit(`  request headers: ${shown}`);
      };
    },
    note(line) {
      emit(line);
    },
  };
}

/** State shared between the middleware and the caller's error translation. */
export interface CallState {
  timedOut: boolean;
  timeoutMs?: number;
  /** Set by the middleware once the request is about to be sent. */
  finish?: (outcome: { status?: number; error?: string }) => void;
  /** Texts of the response's `Warning: 299` headers (admission webhook warnings), if any. */
  warnings?: string[];
}

/** The texts of a Warning header: fetch joins repeated headers with ", " and texts hold commas, so read quoted. */
export function parseWarningHeader(value: string | undefined): string[] {
  if (!value) return [];
  // The apiserver sends the text as UTF-8 bytes; Node hands header bytes over as latin1.
  if ([...value].every((c) => c.charCodeAt(0) <= 0xff)) value = Buffer.from(value, 'latin1').toString('utf8');
  const out: string[] = [];
  const re = /(\d{3}) (\S+) "((?:[^"\\]|\\.)*)"(?: "[^"]*")?/g;
  for (let m = re.exec(value); m; m = re.exec(value)) out.push(m[3].replace(/\\(.)/g, '$1'));
  return out;
}

export interface CallOptions {
  tracer: Tracer;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Headers set after the request factory ran, so they win (e.g. the patch Content-Type). */
  headers?: Record<string, string>;
  /** Verify the server certificate even if NODE_TLS_REJECT_UNAUTHORIZED=0 is set. */
  enforceTls: boolean;
  /** The client's keep-alive pool: replaces client-node's one-request agent (see agent.ts). */
  agents?: AgentPool;
  /** Receives the credential each request carries (refreshed tokens included), before anything can echo it. */
  secrets?: SecretSet;
}

// client-node's generated API expects its own tiny Observable (anything with toPromise()).
const observable = <T>(value: T | Promise<T>) => ({ toPromise: () => Promise.resolve(value) }) as any;

/** Builds the middleware for one call, and the state the caller reads when the call fails. */
export function callMiddleware(opts: CallOptions): { middleware: any; state: CallState } {
  const state: CallState = { timedOut: false, timeoutMs: opts.timeoutMs };
  const middleware = {
    pre(ctx: RequestContext) {
      for (const [k, v] of Object.entries(opts.headers ?? {})) ctx.setHeaderParam(k, v);
      const sent = ctx.getHeaders();
      opts.secrets?.addAuthorization(sent.Authorization ?? sent.authorization);
      const signals: AbortSignal[] = [];
      if (opts.signal) signals.push(opts.signal);
      if (opts.timeoutMs && opts.timeoutMs > 0) {
        const t = AbortSignal.timeout(opts.timeoutMs);
        t.addEventListener('abort', () => (state.timedOut = true), { once: true });
        signals.push(t);
      }
      if (signals.length) ctx.setSignal(signals.length === 1 ? signals[0] : AbortSignal.any(signals));
      const agent = ctx.getAgent() as { options?: Record<string, unknown> } | undefined;
      // client-node leaves rejectUnauthorized unset, so Node would honour NODE_TLS_REJECT_UNAUTHORIZED=0 silently.
      if (opts.agents) {
        if (agent) ctx.setAgent(opts.agents.agentFor(agent, { enforceTls: opts.enforceTls }) as any);
      } else if (opts.enforceTls && agent?.options) agent.options.rejectUnauthorized = true;
      state.finish = opts.tracer.start(ctx.getHttpMethod(), ctx.getUrl(), ctx.getHeaders());
      return observable(ctx);
    },
    post(rsp: ResponseContext) {
      const warnings = parseWarningHeader(rsp.headers?.warning);
      if (warnings.length) state.warnings = warnings;
      state.finish?.({ status: rsp.httpStatusCode });
      state.finish = undefined;
      return observable(rsp);
    },
  };
  return { middleware, state };
}
