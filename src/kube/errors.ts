// Turns whatever client-node throws (ApiException, FetchError/AbortError, TLS and socket errors, plugin failures,
// garbage answers) into the typed errors of src/core/errors.ts; no message carries a credential.

import { BgctlError, CancelError, ClusterAccessError, ConflictError, FailedError } from '../core/errors.js';
import { SERVING_GROUP } from '../core/knative-types.js';
import { redactText } from '../core/redact.js';

/** What bgctl was doing when a request failed: used for messages and hints. */
export interface RequestInfo {
  verb: 'get' | 'list' | 'create' | 'patch' | 'delete' | 'watch';
  /** Plural of a serving.knative.dev resource, e.g. "services". */
  resource: string;
  name?: string;
  /** Undefined for all-namespaces requests. */
  namespace?: string;
}

/** Where the request went: used for messages and hints. */
export interface ClusterInfo {
  server: string;
  context: string;
  secrets?: Iterable<string>;
  /** In a pod without a kubeconfig: the service account files used instead of a context. */
  inCluster?: { tokenFile: string; caFile?: string };
}

/** 409 Conflict on a write that carried a resourceVersion precondition: re-read and re-plan. */
export class StaleWriteError extends ConflictError {
  readonly retryable = true;
}

const TRANSIENT = Symbol('bgctl.transient');

interface TransientMark {
  retryAfterMs?: number;
  /** Safe to repeat even for a write without a precondition (the server did not process it). */
  notProcessed: boolean;
}

/** Marks an error as worth retrying (429, 5xx, connection reset). */
export function markTransient<E extends Error>(err: E, mark: TransientMark): E {
  (err as any)[TRANSIENT] = mark;
  return err;
}

/** The retry mark of an error, if it has one. */
export function transientOf(err: unknown): TransientMark | undefined {
  return err && typeof err === 'object' ? ((err as any)[TRANSIENT] as TransientMark | undefined) : undefined;
}

interface ParsedStatus {
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    group?: string;
    retryAfterSeconds?: number;
    causes?: Array<{ message?: string; field?: string }>;
  };
}

/** Parses an ApiException body (a string in client-node 1.4; undefined on 401) as a Status. */
export function parseStatus(body: unknown): ParsedStatus | undefined {
  if (body && typeof body === 'object') return body as ParsedStatus;
  if (typeof body !== 'string' || !body.trim()) return undefined;
  try {
    const parsed = JSON.parse(body);
    return parsed && typeof parsed === 'object' && parsed.kind === 'Status' ? (parsed as ParsedStatus) : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After in milliseconds (seconds or an HTTP date), from headers or the Status details. */
export function retryAfterMs(
  headers: Record<string, string> | undefined,
  status?: ParsedStatus,
  now = Date.now(),
): number | undefined {
  const raw = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (raw !== undefined) {
    const secs = Number(raw);
    if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
    const date = Date.parse(raw);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const fromStatus = status?.details?.retryAfterSeconds;
  return typeof fromStatus === 'number' && fromStatus > 0 ? fromStatus * 1000 : undefined;
}

function what(req: RequestInfo): string {
  const kind = req.resource.replace(/s$/, '');
  return req.name ? `${kind} "${req.name}"` : req.resource;
}

function where(req: RequestInfo): string {
  return req.namespace ? `namespace "${req.namespace}"` : 'all namespaces';
}

function canIHint(req: RequestInfo): string {
  const ns = req.namespace ? `-n ${req.namespace}` : '--all-namespaces';
  return `check your permissions with: kubectl auth can-i ${req.verb} ${req.resource}.${SERVING_GROUP} ${ns}`;
}

function isApiException(err: any): err is { code: number; body?: unknown; headers?: Record<string, string> } {
  return (
    !!err &&
    typeof err === 'object' &&
    typeof err.code === 'number' &&
    'headers' in err &&
    /^HTTP-Code:/.test(String(err.message))
  );
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** Translates an HTTP error answer (ApiException) into a typed error. */
function fromHttp(
  err: { code: number; body?: unknown; headers?: Record<string, string> },
  req: RequestInfo,
  cluster: ClusterInfo,
): BgctlError {
  const status = parseStatus(err.body);
  const secrets = cluster.secrets ?? [];
  // Redacted before it is shortened: a cut through a token would leave a piece no redaction recognises.
  const serverMsg = redactText(status?.message ?? (typeof err.body === 'string' ? err.body.trim() : ''), secrets).slice(
    0,
    status?.message ? undefined : 300,
  );
  const code = err.code;
  const reason = status?.reason;
  switch (true) {
    case code === 401:
      if (cluster.inCluster)
        return new ClusterAccessError(
          `the cluster at ${cluster.server} rejected the service account token of ` +
            `${cluster.inCluster.tokenFile} (401 Unauthorized)`,
          {
            reason: 'Unauthorized',
            hint:
              'the token is expired, revoked or for another cluster: ' +
              "check the pod's service account and its token mount",
          },
        );
      return new ClusterAccessError(
        `the cluster at ${cluster.server} rejected the credentials of context "${cluster.context}" (401 Unauthorized)`,
        {
          reason: 'Unauthorized',
          hint:
            'the token or client certificate is wrong or expired: ' +
            'check the user of this context in your kubeconfig (kubectl auth whoami)',
        },
      );
    case code === 403:
      return new ClusterAccessError(
        `not allowed to ${req.verb} ${what(req)} in ${where(req)}${serverMsg ? `: ${serverMsg}` : ''}`,
        {
          reason: 'Forbidden',
          hint: canIHint(req),
        },
      );
    case code === 404: {
      const details = status?.details;
      if (details?.kind === 'namespaces' && details.name) {
        return new FailedError(`namespace "${details.name}" does not exist`, {
          reason: 'NamespaceNotFound',
          hint: 'pass an existing namespace with -n',
        });
      }
      // A missing object's Status names it; a missing API group comes back without details (or as plain text).
      if (req.name && details?.name === req.name) {
        const list =
          req.resource === 'services'
            ? `bgctl status -n ${req.namespace ?? 'default'}`
            : `bgctl revisions <service> -n ${req.namespace ?? 'default'}`;
        return new FailedError(`${what(req)} not found in ${where(req)}`, {
          reason: 'NotFound',
          hint: `check the name and namespace; \`${list}\` lists what exists`,
        });
      }
      return new ClusterAccessError(
        `Knative Serving is not installed on the cluster at ${cluster.server} ` +
          `(no ${req.resource}.${SERVING_GROUP} API)`,
        {
          reason: 'KnativeNotInstalled',
          hint:
            'install Knative Serving (or OpenShift Serverless), or pick the right cluster with --context; ' +
            '`bgctl playground` starts a local one',
        },
      );
    }
    case code === 409 && reason === 'AlreadyExists':
      return new FailedError(`${what(req)} already exists in ${where(req)}`, { reason: 'AlreadyExists' });
    case code === 409:
      return new StaleWriteError(
        `${what(req)} was changed by someone else while bgctl was updating it${serverMsg ? `: ${serverMsg}` : ''}`,
        {
          reason: 'Conflict',
          hint: 'run the command again: it re-reads the service and re-plans',
        },
      );
    case code === 410:
      return new FailedError(
        `the cluster no longer has the requested version of ${req.resource} (410 ${reason ?? 'Gone'})` +
          (serverMsg ? `: ${serverMsg}` : ''),
        {
          reason: 'Expired',
          hint: 'run the command again',
        },
      );
    case code === 400 || code === 422:
      return new FailedError(`the cluster rejected the ${req.verb} of ${what(req)}: ${serverMsg || `HTTP ${code}`}`, {
        reason: reason ?? (code === 400 ? 'BadRequest' : 'Invalid'),
      });
    case code === 429:
      return markTransient(
        new ClusterAccessError(
          `the API server at ${cluster.server} is rate limiting requests (429 Too Many Requests)`,
          {
            reason: 'TooManyRequests',
            hint: 'wait a little and run the command again',
          },
        ),
        { retryAfterMs: retryAfterMs(err.headers, status), notProcessed: true },
      );
    case code === 500:
      return markTransient(
        new FailedError(`the API server failed to ${req.verb} ${what(req)}: ${serverMsg || 'Internal Server Error'}`, {
          reason: reason ?? 'InternalError',
        }),
        {
          retryAfterMs: retryAfterMs(err.headers, status),
          notProcessed: false,
        },
      );
    case code === 502 || code === 503 || code === 504:
      return markTransient(
        new ClusterAccessError(
          `the API server at ${cluster.server} is unavailable (HTTP ${code})${serverMsg ? `: ${serverMsg}` : ''}`,
          {
            reason: reason ?? 'ServiceUnavailable',
            hint: 'the control plane may be restarting or overloaded; try again shortly',
          },
        ),
        { retryAfterMs: retryAfterMs(err.headers, status), notProcessed: false },
      );
    default:
      return new FailedError(
        `the cluster answered the ${req.verb} of ${what(req)} with HTTP ${code}${serverMsg ? `: ${serverMsg}` : ''}`,
        { reason: reason ?? `HTTP${code}` },
      );
  }
}

/** Context for the current request timeout, so that a timeout is not mistaken for a user abort. */
export interface AbortContext {
  timedOut?: boolean;
  timeoutMs?: number;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`;
}

/** Translates anything thrown by a client-node call into a typed error (passes typed errors through). */
export function translateError(
  err: unknown,
  req: RequestInfo,
  cluster: ClusterInfo,
  abort: AbortContext = {},
): BgctlError {
  if (err instanceof BgctlError) return err;
  const secrets = cluster.secrets ?? [];
  if (isApiException(err)) return fromHttp(err, req, cluster);
  const e = (err ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    type?: string;
    errno?: string;
    statusCode?: number;
    cause?: any;
  };
  const code = e.code ?? e.errno ?? e.cause?.code;
  const message = redactText(String(e.message ?? err), secrets);
  const at = `the cluster at ${cluster.server}`;
  if (typeof e.statusCode === 'number') {
    // Watch answers that were not 200 (client-node does not read their body).
    return fromHttp({ code: e.statusCode, body: undefined, headers: {} }, req, cluster);
  }
  if (e.name === 'AbortError' || e.type === 'aborted') {
    // Not retried: --request-timeout bounds what the user waits for, retries would multiply it.
    if (abort.timedOut) {
      return new ClusterAccessError(`${at} did not answer within ${formatSeconds(abort.timeoutMs ?? 0)}`, {
        reason: 'RequestTimeout',
        hint: 'check the network path to the cluster, or raise --request-timeout',
      });
    }
    return new CancelError('cancelled');
  }
  if (code === 'ECONNREFUSED') {
    return new ClusterAccessError(`cannot connect to ${at}: connection refused`, {
      reason: 'ConnectionRefused',
      hint:
        `is the cluster running? check the server of context "${cluster.context}" ` +
        '(for a local try: bgctl playground)',
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ClusterAccessError(`cannot resolve the host of ${at}`, {
      reason: 'HostNotFound',
      hint: `check the server of context "${cluster.context}" and your DNS`,
    });
  }
  if (typeof code === 'string' && (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))) {
    return new ClusterAccessError(`the TLS certificate of ${at} is not trusted (${code})`, {
      reason: 'TLSVerificationFailed',
      hint: cluster.inCluster
        ? `the in-cluster CA ${cluster.inCluster.caFile ?? '(none could be loaded)'} does not verify the server`
        : `set certificate-authority(-data) for the cluster of context "${cluster.context}" in your kubeconfig; ` +
          'insecure-skip-tls-verify turns the check off and is unsafe',
    });
  }
  if (typeof code === 'string' && RESET_CODES.has(code)) {
    return markTransient(
      new ClusterAccessError(`the connection to ${at} was reset (${code})`, {
        reason: 'ConnectionReset',
        hint: 'try again',
      }),
      { notProcessed: false },
    );
  }
  if (/socket hang up|premature close/i.test(message)) {
    return markTransient(
      new ClusterAccessError(`the connection to ${at} was closed unexpectedly`, {
        reason: 'ConnectionReset',
        hint: 'try again',
      }),
      { notProcessed: false },
    );
  }
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new ClusterAccessError(`cannot reach ${at} (${code})`, {
      reason: 'Unreachable',
      hint: 'check the network path (VPN, proxy, firewall) to the cluster',
    });
  }
  if (e.name === 'SyntaxError' || /No Content-Type defined|is not supported by ObjectSerializer/.test(message)) {
    return new ClusterAccessError(`${at} did not answer like a Kubernetes API server (${message.slice(0, 120)})`, {
      reason: 'NotKubernetes',
      hint: `check the server URL of context "${cluster.context}"`,
    });
  }
  if (/HTTP protocol is not allowed/.test(message)) {
    return new ClusterAccessError(
      `${at} uses plain http, which needs insecure-skip-tls-verify: true in the kubeconfig`,
      { reason: 'InsecureServer' },
    );
  }
  return new ClusterAccessError(`request to ${at} failed: ${message}`, { reason: 'RequestFailed' });
}

/** True when a write failed only because someone else changed the object since it was read. */
export function isStaleWrite(err: unknown): err is StaleWriteError {
  return err instanceof StaleWriteError;
}
