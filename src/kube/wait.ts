// Waits for a service by following it (follow.ts) from the write's resourceVersion until it is where the caller
// wants it, has failed, or the timeout ends.

import { gradualProgress, rolloutDuration, rolloutInProgress } from '../core/gradual-rollout.js';
import { BgctlError, CancelError, FailedError, TimeoutError } from '../core/errors.js';
import { condition, type Condition, type KnativeService, type TrafficTarget } from '../core/knative-types.js';
import type { KnativeClient } from './client.js';
import { followService } from './follow.js';
import { setLongTimeout } from './long-timer.js';
import type { RetryPolicy } from './retry.js';

export interface WaitProgress {
  /** The current Ready / RoutesReady / ConfigurationsReady message, or what is awaited. */
  message: string;
  ready?: Condition;
  service: KnativeService;
}

export interface WaitOptions {
  timeoutMs: number;
  /** The object a write returned: checked first, and the watch starts from its resourceVersion. */
  from?: KnativeService;
  /** The caller's intent, e.g. "status.traffic matches the plan"; checked once Ready is True. */
  predicate?: (svc: KnativeService) => boolean;
  /** Says what the predicate waits for, for progress and timeout messages. */
  predicateLabel?: string;
  signal?: AbortSignal;
  onProgress?: (p: WaitProgress) => void;
  /** Reconnect backoff after failures (sleep/random injectable). */
  retry?: Partial<RetryPolicy>;
  /** Consecutive failed reconnects before giving up (default 5). */
  maxReconnectFailures?: number;
  /** A step that only moves traffic (see EvaluateOptions.trafficOnly). */
  trafficOnly?: TrafficOnly;
}

/**
 * A step that only moves traffic among `revisions`. While the latest created revision is not ready (failed, or
 * still starting) the Service is not Ready, yet the Route moves traffic among ready revisions: once RoutesReady
 * is True and the predicate holds, such a step is done, as long as that latest revision is none of `revisions`.
 */
export interface TrafficOnly {
  revisions: string[];
}

export interface EvaluateOptions {
  trafficOnly?: TrafficOnly;
}

type Verdict = { done: true } | { error: BgctlError } | { pending: string; ready?: Condition };

/** True when only the latest created revision, which the step does not route to, keeps the Service from Ready. */
export function onlyConfigurationNotReady(svc: KnativeService, routed: string[]): boolean {
  const config = condition(svc, 'ConfigurationsReady')?.status;
  return (config === 'False' || config === 'Unknown') && onlyUnroutedLatestNotReady(svc, routed);
}

function onlyUnroutedLatestNotReady(svc: KnativeService, routed: string[]): boolean {
  if (condition(svc, 'RoutesReady')?.status === 'False') return false;
  const latest = svc.status?.latestCreatedRevisionName;
  return latest !== undefined && latest !== svc.status?.latestReadyRevisionName && !routed.includes(latest);
}

/** Decides whether the service is where the caller wants it, has failed, or is still moving. */
export function evaluateService(
  svc: KnativeService,
  predicate?: (svc: KnativeService) => boolean,
  predicateLabel = 'the intended state',
  opts: EvaluateOptions = {},
): Verdict {
  const name = svc.metadata.name;
  const generation = svc.metadata.generation ?? 0;
  const observed = svc.status?.observedGeneration ?? 0;
  const ready = condition(svc, 'Ready');
  if (observed < generation)
    return { pending: `waiting for Knative to process generation ${generation} of service "${name}"`, ready };
  if (ready?.status !== 'True' && opts.trafficOnly && onlyConfigurationNotReady(svc, opts.trafficOnly.revisions)) {
    const routes = condition(svc, 'RoutesReady');
    if (routes?.status === 'True' && (!predicate || predicate(svc))) return { done: true };
    return {
      pending:
        routes?.status === 'True'
          ? `route of service "${name}" is ready; waiting for ${predicateLabel}`
          : (gradualProgress(svc) ?? progressMessage(svc, ['RoutesReady', 'Ready'])),
      ready,
    };
  }
  if (ready?.status === 'False') {
    const why = [ready.reason, ready.message].filter(Boolean).join(': ');
    return {
      error: new FailedError(`service "${name}" is not ready${why ? `: ${why}` : ''}`, {
        reason: ready.reason || 'NotReady',
        hint: `\`bgctl status ${name}\` shows the revisions and their conditions`,
      }),
    };
  }
  if (ready?.status === 'True') {
    if (!predicate || predicate(svc)) return { done: true };
    return { pending: `service "${name}" is ready; waiting for ${predicateLabel}`, ready };
  }
  // Knative's gradual rollout keeps Ready Unknown until the last step: say how far it is.
  return { pending: gradualProgress(svc) ?? progressMessage(svc), ready };
}

/** The most specific message among ConfigurationsReady, RoutesReady and Ready (or the given types). */
export function progressMessage(
  svc: KnativeService,
  types: string[] = ['ConfigurationsReady', 'RoutesReady', 'Ready'],
): string {
  for (const type of types) {
    const c = condition(svc, type);
    if (c && c.status !== 'True' && (c.message || c.reason)) return `${type}: ${c.message || c.reason}`;
  }
  return `waiting for service "${svc.metadata.name}" to become ready`;
}

function targetKey(t: TrafficTarget, latestReady?: string): string {
  // status.traffic resolves latestRevision targets to a revisionName; compare on what spec said.
  const ref = t.latestRevision ? `latest:${latestReady ?? ''}` : `rev:${t.revisionName ?? ''}`;
  return `${t.tag ?? ''}|${ref}|${t.percent ?? 0}`;
}

/** A waitForService predicate: status.traffic is exactly `desired` (URLs ignored; latestRevision: latest ready). */
export function trafficMatches(desired: TrafficTarget[]): (svc: KnativeService) => boolean {
  return (svc) => {
    const latest = svc.status?.latestReadyRevisionName;
    const want = desired.map((t) => targetKey(t, latest)).sort();
    const have = (svc.status?.traffic ?? []).map((t) => targetKey(t, t.revisionName)).sort();
    return want.length === have.length && want.every((k, i) => k === have[i]);
  };
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10}s`;
  return `${Math.round(ms / 6000) / 10}m`;
}

/**
 * Resolves once the generation is observed, Ready is True (or `trafficOnly` applies) and `predicate` holds;
 * rejects with FailedError (Ready False, deleted), TimeoutError (exit 6) or CancelError.
 */
export function waitForService(client: KnativeClient, name: string, opts: WaitOptions): Promise<KnativeService> {
  return new Promise<KnativeService>((resolve, reject) => {
    let settled = false;
    let lastMessage = 'no status seen yet';
    let lastSeen: KnativeService | undefined;
    const follow = new AbortController();

    const finish = (err: unknown, svc?: KnativeService) => {
      if (settled) return;
      settled = true;
      cancelTimer();
      opts.signal?.removeEventListener('abort', onAbort);
      follow.abort();
      if (err) reject(err);
      else resolve(svc as KnativeService);
    };
    const timeoutHint = (): string => {
      if (!(lastSeen && rolloutInProgress(lastSeen))) return `raise --timeout, or look at \`bgctl status ${name}\``;
      const duration = rolloutDuration(lastSeen) ?? 'from config-network';
      return (
        `Knative's gradual rollout (rollout-duration ${duration}) was still moving traffic: ` +
        `raise --timeout above it, or look at \`bgctl status ${name}\``
      );
    };
    const timeOut = () =>
      finish(
        new TimeoutError(
          `timed out after ${formatDuration(opts.timeoutMs)} waiting for service "${name}": ${lastMessage}`,
          { reason: 'Timeout', hint: timeoutHint() },
        ),
      );
    const cancelTimer = opts.timeoutMs > 0 ? setLongTimeout(timeOut, opts.timeoutMs) : () => {};
    const onAbort = () => {
      const reason = opts.signal?.reason;
      finish(reason instanceof BgctlError ? reason : new CancelError('cancelled while waiting'));
    };
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const consider = (svc: KnativeService) => {
      if (settled) return;
      lastSeen = svc;
      const v = evaluateService(svc, opts.predicate, opts.predicateLabel, { trafficOnly: opts.trafficOnly });
      if ('done' in v) return finish(undefined, svc);
      if ('error' in v) return finish(v.error);
      if (v.pending !== lastMessage) {
        lastMessage = v.pending;
        opts.onProgress?.({ message: v.pending, ready: v.ready, service: svc });
      }
    };

    if (opts.from) consider(opts.from);
    // A timeout of 0 checks what the write answered and does not wait (kubectl wait's meaning of 0).
    if (opts.timeoutMs <= 0) return timeOut();
    if (settled) return;
    followService(client, name, {
      signal: follow.signal,
      fromResourceVersion: opts.from?.metadata.resourceVersion,
      onService: consider,
      doing: 'waiting for it',
      retry: opts.retry,
      maxReconnectFailures: opts.maxReconnectFailures,
    }).then(
      () => undefined,
      (err) => finish(err),
    );
  });
}
