// The Prometheus HTTP API client of metric gates (docs/metric-gates.md): instant queries, series names for
// `--metrics-preset auto`, and a PromQL check before anything is written. Transient failures (connection,
// timeout, 429, 5xx) are retried with backoff, then AnalysisError (exit 7); a query Prometheus refuses
// (400 bad_data) is a UsageError (exit 2). The token goes only to the configured URL and never into a message.
import { AnalysisError, UsageError } from '../core/errors.js';
import { PRESET_NAMES } from '../core/gates/presets.js';
import { quoteInput } from '../core/quote.js';
import { SecretSet, displayUrl } from '../core/redact.js';
import { exchange, TooLargeError, type Answer } from './http.js';
import { parsePrometheusUrl } from './url.js';
import { envelope, labelValues, queryData, ShapeError, type QueryResult } from './response.js';

export type { QueryResult, Sample } from './response.js';

export interface PrometheusOptions {
  /** Base URL, e.g. http://prometheus:9090 or https://host/prometheus (a path prefix is kept). */
  url: string;
  /** Sent as `Authorization: Bearer …` (BGCTL_PROMETHEUS_TOKEN). */
  token?: string;
  /** Deadline of one request (default 10 s). */
  timeoutMs?: number;
  /** Tries per request, the first included (default 3). */
  attempts?: number;
  /** The first backoff, doubled after each try (default 250 ms). */
  backoffMs?: number;
  /** The largest answer read (default 8 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
  /** One line per request (--verbose); never carries the token. */
  trace?: (line: string) => void;
}

const DEFAULTS = { timeoutMs: 10_000, attempts: 3, backoffMs: 250, maxBytes: 8 * 1024 * 1024 };

/** A failure worth another try: the connection, a deadline, 429 or 5xx. */
class Transient extends Error {}

export class PrometheusClient {
  /** Where requests go: the configured URL without user:password. */
  private readonly base: URL;
  private readonly auth?: string;
  private readonly secrets = new SecretSet();
  private readonly opts: Required<Pick<PrometheusOptions, keyof typeof DEFAULTS>> & PrometheusOptions;
  /** The URL as it may be printed. */
  readonly displayUrl: string;

  constructor(opts: PrometheusOptions) {
    this.opts = { ...DEFAULTS, ...opts };
    const u = parsePrometheusUrl(opts.url);
    this.secrets.addUrlCredentials(opts.url);
    this.secrets.add(opts.token);
    if (opts.token) this.auth = `Bearer ${opts.token}`;
    else if (u.username || u.password) {
      // user:password in the URL is the usual way to reach a Prometheus behind basic auth.
      const basic = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`);
      this.auth = `Basic ${basic.toString('base64')}`;
      this.secrets.addAuthorization(this.auth);
    }
    u.username = '';
    u.password = '';
    if (!u.pathname.endsWith('/')) u.pathname += '/';
    this.base = u;
    this.displayUrl = u.toString().replace(/\/$/, '');
  }

  /**
   * An instant query: a vector's samples or a scalar; undefined when there is no data (an empty vector, or
   * only NaN). `time` defaults to Prometheus' own now.
   */
  async query(promql: string, time?: Date): Promise<QueryResult | undefined> {
    const form = new URLSearchParams({ query: promql });
    if (time) form.set('time', (time.getTime() / 1000).toFixed(3));
    const data = await this.call('POST', 'api/v1/query', form.toString(), promql);
    const result = this.checked(() => queryData(data));
    if (result.resultType === 'matrix' || result.resultType === 'string') {
      throw new UsageError(`the query ${quoteInput(promql)} returns a ${result.resultType}, not a number`, {
        reason: 'InvalidGateQuery',
        hint: 'a gate needs an instant vector or a scalar: drop the [range] or wrap it, e.g. sum(rate(x[5m]))',
      });
    }
    if (result.resultType === 'scalar') return Number.isNaN(result.value) ? undefined : result;
    const samples = result.samples.filter((s) => !Number.isNaN(s.value));
    return samples.length === 0 ? undefined : { resultType: 'vector', samples };
  }

  /** A query meant to give one number (a gate's measure); more than one series is a usage error. */
  async queryValue(promql: string, time?: Date): Promise<number | undefined> {
    const r = await this.query(promql, time);
    if (r === undefined) return undefined;
    if (r.resultType === 'scalar') return r.value;
    if (r.samples.length > 1) {
      throw new UsageError(`the query ${quoteInput(promql)} returns ${r.samples.length} series, not one number`, {
        reason: 'InvalidGateQuery',
        hint: 'aggregate it, e.g. sum(...) or max(...)',
      });
    }
    return r.samples[0].value;
  }

  /**
   * A query of a built-in preset: one this Prometheus refuses or answers with something else than one number
   * says the server does not fit the preset (AnalysisError, exit 7), not that the user wrote bad PromQL.
   */
  async queryBuiltinValue(promql: string, time?: Date): Promise<number | undefined> {
    try {
      return await this.queryValue(promql, time);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      throw this.fail(
        `cannot run a built-in query of bgctl: ${err.message}`,
        'PrometheusIncompatible',
        `check --metrics-preset (auto, ${PRESET_NAMES.join(', ')}) and that this is a Prometheus 2.x or later API`,
      );
    }
  }

  /** Checks a query by running it: a refused query (400) or one that cannot give a number is a UsageError. */
  async validate(promql: string): Promise<void> {
    await this.queryValue(promql);
  }

  /** Every metric name Prometheus knows (for `--metrics-preset auto`). */
  async seriesNames(): Promise<string[]> {
    const data = await this.call('GET', 'api/v1/label/__name__/values');
    return this.checked(() => labelValues(data));
  }

  private checked<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof ShapeError)) throw err;
      throw this.fail(`answered something that is not a Prometheus API answer: ${err.message}`, 'InvalidAnswer');
    }
  }

  private fail(why: string, reason: string, hint?: string): AnalysisError {
    return new AnalysisError(this.secrets.redact(`Prometheus at ${this.displayUrl} ${why}`), {
      reason,
      hint: hint ?? 'nothing was judged; check --prometheus (or BGCTL_PROMETHEUS_URL) and that Prometheus is up',
    });
  }

  /** One API call with retries; the `data` of a success. */
  private async call(method: 'GET' | 'POST', path: string, body?: string, promql?: string): Promise<unknown> {
    const url = new URL(path, this.base);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (this.auth) headers.authorization = this.auth;
    let last = '';
    for (let attempt = 1; attempt <= this.opts.attempts; attempt++) {
      this.opts.signal?.throwIfAborted();
      if (attempt > 1) await this.pause(this.opts.backoffMs * 2 ** (attempt - 2));
      try {
        const answer = await exchange({
          method,
          url,
          headers,
          body,
          timeoutMs: this.opts.timeoutMs,
          maxBytes: this.opts.maxBytes,
          signal: this.opts.signal,
        });
        this.opts.trace?.(
          this.secrets.redact(`Prometheus ${method} ${displayUrl(url.toString())} -> ${answer.status}`),
        );
        return this.judge(answer, promql);
      } catch (err) {
        if (this.opts.signal?.aborted) throw err;
        if (err instanceof TooLargeError) throw this.fail(`sent an answer too large: ${err.message}`, 'InvalidAnswer');
        if (!(err instanceof Transient) && !isNetworkError(err)) throw err;
        last = err instanceof Error ? err.message : String(err);
        this.opts.trace?.(this.secrets.redact(`Prometheus ${method} ${path}: try ${attempt} failed: ${last}`));
      }
    }
    throw this.fail(`could not be queried (${this.opts.attempts} tries): ${last}`, 'PrometheusUnavailable');
  }

  private judge(answer: Answer, promql: string | undefined): unknown {
    const { status } = answer;
    if (status === 429 || status >= 500) throw new Transient(`HTTP ${status}${apiMessage(answer.body)}`);
    if (status >= 300 && status < 400) {
      throw this.fail(
        `redirected (HTTP ${status}); bgctl follows no redirect with credentials`,
        'InvalidAnswer',
        'give the final Prometheus URL',
      );
    }
    if (status === 401 || status === 403) {
      throw this.fail(
        `refused the credentials (HTTP ${status})`,
        'PrometheusUnauthorized',
        'set BGCTL_PROMETHEUS_TOKEN to a token this Prometheus (or its proxy) accepts',
      );
    }
    if (status === 404) {
      throw this.fail(
        'has no API here (HTTP 404)',
        'InvalidAnswer',
        'give the URL Prometheus serves its API under, e.g. with its path prefix (http://host/prometheus)',
      );
    }
    const env = this.checked(() => envelope(answer.body));
    if ('data' in env && status === 200) return env.data;
    const e = 'error' in env ? env.error : { errorType: 'unknown', error: `HTTP ${status}` };
    if (e.errorType === 'bad_data' && promql !== undefined) {
      throw new UsageError(this.secrets.redact(`Prometheus refused the query ${quoteInput(promql)}: ${e.error}`), {
        reason: 'InvalidPromQL',
        hint: 'fix the PromQL of --gate-query or of the gates file (test it in the Prometheus UI first)',
      });
    }
    throw this.fail(`answered HTTP ${status} (${e.errorType}): ${e.error}`, 'QueryFailed');
  }

  /** The backoff between tries; an abort ends it at once (no further try). */
  private pause(ms: number): Promise<void> {
    const signal = this.opts.signal;
    return new Promise((resolve, reject) => {
      const aborted = () => {
        clearTimeout(timer);
        reject(signal?.reason ?? new Error('aborted'));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', aborted);
        resolve();
      }, ms);
      if (signal?.aborted) aborted();
      else signal?.addEventListener('abort', aborted, { once: true });
    });
  }
}

function isNetworkError(err: unknown): boolean {
  return (
    err instanceof Error &&
    !(err instanceof ShapeError) &&
    !(err instanceof UsageError) &&
    !(err instanceof AnalysisError)
  );
}

/** `: error` from an error answer's JSON, when it has one (5xx answers often do). */
function apiMessage(body: string): string {
  try {
    const env = envelope(body);
    return 'error' in env ? `: ${env.error.error}` : '';
  } catch {
    return '';
  }
}
