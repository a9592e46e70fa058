// The pure half of `bgctl verify`: flag parsing, per-response checks, latency statistics, the verdict.
import { UsageError } from './errors.js';
import { parseDuration } from './parse.js';
import { quoteInput } from './quote.js';

export const VerifyDefaults = { requests: 10, path: '/', expectStatus: '200', timeout: '10s' } as const;

/** Upper bound on --requests: verify is a smoke test, not a load test. */
export const MAX_REQUESTS = 10_000;

/** How much of each body --expect-body reads; no match in a longer body fails and says the body was cut. */
export const BODY_CHECK_LIMIT = 1024 * 1024;

/** The verification flags as commander (or the wizard) hands them over: strings or numbers. */
export interface VerifyFlags {
  requests?: string | number;
  path?: string;
  expectStatus?: string | number;
  expectBody?: string;
  maxLatency?: string;
  /** Per-request timeout, e.g. "10s". */
  httpTimeout?: string;
  /** HOST:PORT to connect to instead of the URL's host. */
  ingress?: string;
}

/** Accepted status codes: exact codes and classes such as 2xx. */
export interface StatusMatcher {
  text: string;
  codes: number[];
  classes: number[];
}

export interface ConnectTarget {
  host: string;
  port: number;
}

export interface VerifySpec {
  requests: number;
  path: string;
  expectStatus: StatusMatcher;
  expectBody?: RegExp;
  maxLatencyMs?: number;
  timeoutMs: number;
  ingress?: ConnectTarget;
}

/** `--expect-status 200`, `200,204`, `2xx`. */
export function parseExpectStatus(raw: string | number, flag = '--expect-status'): StatusMatcher {
  const text = String(raw).trim();
  const m: StatusMatcher = { text, codes: [], classes: [] };
  for (const part of text.split(',').map((s) => s.trim())) {
    if (/^[1-5]xx$/i.test(part)) m.classes.push(Number(part[0]));
    else if (/^[1-5]\d\d$/.test(part)) m.codes.push(Number(part));
    else
      throw new UsageError(
        `invalid value ${quoteInput(String(raw))} for ${flag}: ` +
          'use HTTP status codes or classes, e.g. 200, 200,204 or 2xx',
        { reason: 'InvalidStatus' },
      );
  }
  return m;
}

export function statusAccepted(m: StatusMatcher, code: number): boolean {
  return m.codes.includes(code) || m.classes.includes(Math.trunc(code / 100));
}

/** `--requests N`: a whole number from 1 to MAX_REQUESTS. */
export function parseRequests(raw: string | number, flag = '--requests'): number {
  const text = String(raw).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_REQUESTS) {
    throw new UsageError(
      `invalid value ${quoteInput(String(raw))} for ${flag}: must be a whole number from 1 to ${MAX_REQUESTS}`,
      {
        reason: 'InvalidRequests',
      },
    );
  }
  return n;
}

/** `--path`: an absolute path, optionally with a query; never a full URL (the host comes from the tag). */
export function parsePath(raw: string, flag = '--path'): string {
  const p = raw.trim();
  if (!p.startsWith('/') || /\s/.test(p) || p.startsWith('//')) {
    throw new UsageError(
      `invalid value ${quoteInput(raw)} for ${flag}: must be a path starting with "/", e.g. /healthz`,
      {
        reason: 'InvalidPath',
      },
    );
  }
  return p;
}

/** `--expect-body REGEX` (JavaScript syntax, matched anywhere in the first BODY_CHECK_LIMIT bytes of the body). */
export function parseBodyRegex(raw: string, flag = '--expect-body'): RegExp {
  try {
    return new RegExp(raw);
  } catch (err) {
    throw new UsageError(`invalid regular expression ${quoteInput(raw)} for ${flag}: ${(err as Error).message}`, {
      reason: 'InvalidRegex',
    });
  }
}

/** A rejected address as an error quotes it: bounded, escaped, and nothing up to its last `@` (a user:password). */
export function quoteAddress(raw: string): string {
  const at = raw.lastIndexOf('@');
  return quoteInput(at < 0 ? raw : `<redacted>@${raw.slice(at + 1)}`);
}

/** `--ingress HOST:PORT` (IPv6 as `[::1]:8080`); `source` names the flag or env var in errors. */
export function parseIngress(raw: string, source = '--ingress'): ConnectTarget {
  const text = raw.trim();
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text) ?? /^([A-Za-z0-9.-]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new UsageError(`invalid value ${quoteAddress(raw)} for ${source}: expected HOST:PORT, e.g. 127.0.0.1:8080`, {
      reason: 'InvalidIngress',
    });
  }
  return { host: m[1], port };
}

/** Parses every verification flag; `envIngress` is BGCTL_INGRESS, used when --ingress is absent. */
export function parseVerifyFlags(flags: VerifyFlags, envIngress?: string): VerifySpec {
  const spec: VerifySpec = {
    requests: parseRequests(flags.requests ?? VerifyDefaults.requests),
    path: parsePath(flags.path ?? VerifyDefaults.path),
    expectStatus: parseExpectStatus(flags.expectStatus ?? VerifyDefaults.expectStatus),
    timeoutMs: parseDuration(flags.httpTimeout ?? VerifyDefaults.timeout, '--http-timeout'),
  };
  if (spec.timeoutMs <= 0) throw new UsageError('--http-timeout must be longer than 0s', { reason: 'InvalidDuration' });
  if (flags.expectBody !== undefined) spec.expectBody = parseBodyRegex(flags.expectBody);
  if (flags.maxLatency !== undefined) spec.maxLatencyMs = parseDuration(flags.maxLatency, '--max-latency');
  if (flags.ingress !== undefined && flags.ingress !== '') spec.ingress = parseIngress(flags.ingress);
  else if (envIngress) spec.ingress = parseIngress(envIngress, 'BGCTL_INGRESS');
  return spec;
}

/** What one request produced: a response, or a transport error (connection refused, timeout…). */
export interface Sample {
  status?: number;
  latencyMs: number;
  body?: string;
  /** The body was longer than BODY_CHECK_LIMIT: `body` holds only its first part. */
  bodyTruncated?: boolean;
  revision?: string;
  /** Transport failure: a short code (ECONNREFUSED, Timeout) and a message. */
  error?: { code: string; message: string };
}

/** Why one sample failed, empty when it passed. Latency is judged on p95, not per request. */
export function sampleProblems(s: Sample, spec: Pick<VerifySpec, 'expectStatus' | 'expectBody'>): string[] {
  if (s.error) return [s.error.code === 'Timeout' ? s.error.message : `request failed: ${s.error.message}`];
  const out: string[] = [];
  if (s.status === undefined || !statusAccepted(spec.expectStatus, s.status))
    out.push(`status ${s.status ?? '?'} (want ${spec.expectStatus.text})`);
  if (spec.expectBody && !spec.expectBody.test(s.body ?? '')) {
    out.push(
      s.bodyTruncated
        ? `body does not match /${spec.expectBody.source}/ in its first 1 MiB ` +
            '(the body is longer; --expect-body reads at most 1 MiB)'
        : `body does not match /${spec.expectBody.source}/`,
    );
  }
  return out;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** Latency statistics in whole milliseconds over requests that got a response. */
export interface LatencyStats {
  count: number;
  minMs?: number;
  p50Ms?: number;
  p95Ms?: number;
  maxMs?: number;
}

/** Summary statistics; transport errors are left out (they have no response time). */
export function latencyStats(samples: readonly Sample[]): LatencyStats {
  const values = samples.filter((s) => !s.error).map((s) => s.latencyMs);
  const round = (n: number | undefined) => (n === undefined ? undefined : Math.round(n));
  return {
    count: values.length,
    minMs: round(values.length ? Math.min(...values) : undefined),
    p50Ms: round(percentile(values, 50)),
    p95Ms: round(percentile(values, 95)),
    maxMs: round(values.length ? Math.max(...values) : undefined),
  };
}

export interface FailureCount {
  reason: string;
  count: number;
}

export interface VerifySummary {
  passed: boolean;
  requests: number;
  succeeded: number;
  failed: number;
  failures: FailureCount[];
  statusCodes: Record<string, number>;
  revisions: Record<string, number>;
  latency: LatencyStats;
  reasons: string[];
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Judges the samples: every request must pass its checks, and p95 must stay within --max-latency. */
export function summarize(
  samples: readonly Sample[],
  spec: Pick<VerifySpec, 'expectStatus' | 'expectBody' | 'maxLatencyMs'>,
): VerifySummary {
  const failures = new Map<string, number>();
  const statusCodes: Record<string, number> = {};
  const revisions: Record<string, number> = {};
  let failed = 0;
  for (const s of samples) {
    if (s.status !== undefined) statusCodes[s.status] = (statusCodes[s.status] ?? 0) + 1;
    if (s.revision) revisions[s.revision] = (revisions[s.revision] ?? 0) + 1;
    const problems = sampleProblems(s, spec);
    if (problems.length) failed++;
    for (const p of problems) failures.set(p, (failures.get(p) ?? 0) + 1);
  }
  const latency = latencyStats(samples);
  const reasons: string[] = [];
  if (samples.length === 0) reasons.push('no requests were sent');
  if (failed) reasons.push(`${failed} of ${samples.length} requests failed`);
  if (spec.maxLatencyMs !== undefined && latency.p95Ms !== undefined && latency.p95Ms > spec.maxLatencyMs) {
    reasons.push(`p95 latency ${formatMs(latency.p95Ms)} exceeds --max-latency ${formatMs(spec.maxLatencyMs)}`);
  }
  return {
    passed: reasons.length === 0,
    requests: samples.length,
    succeeded: samples.length - failed,
    failed,
    failures: [...failures]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    statusCodes,
    revisions,
    latency,
    reasons,
  };
}

/** Transport errors that mean no connection was made (as opposed to a reset or a slow answer). */
export const CONNECT_ERRORS: readonly string[] = [
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
];

/** True when no request connected: exit 4 (cannot reach), not 3, so CI never rolls back an untested candidate. */
export function unreachable(samples: readonly Sample[]): boolean {
  return samples.length > 0 && samples.every((s) => s.error !== undefined && CONNECT_ERRORS.includes(s.error.code));
}
