// View models of the read verbs beyond core/view.ts: what `status` adds, `status -A`, `url`, `verify`.
import { condition, type Condition, type KnativeService, type Revision } from './knative-types.js';
import { RefusedError } from './errors.js';
import { document } from './document.js';
import {
  deriveRollout,
  revisionsView,
  statusView,
  tagUrl,
  trafficRows,
  type RevisionRow,
  type RolloutView,
  type TrafficRow,
} from './view.js';
import { isInProgress, readState } from './state.js';
import { nextAction } from './phase.js';
import { DefaultTags } from './plan-types.js';
import { BODY_CHECK_LIMIT, type VerifySpec, type VerifySummary } from './verify.js';

/** Conditions whose status is not True, Ready first (what a person must look at). */
export function conditionsNotTrue(obj: { status?: { conditions?: Condition[] } }): Condition[] {
  const all = (obj.status?.conditions ?? []).filter((c) => c.status !== 'True');
  return all.sort((a, b) => (a.type === 'Ready' ? -1 : b.type === 'Ready' ? 1 : a.type.localeCompare(b.type)));
}

export interface RevisionListRow extends RevisionRow {
  image?: string;
}

/** Rows for `revisions` (and the summary in `status`), keeping the caller's order (the API's list order). */
export function revisionRows(svc: KnativeService, revisions: readonly Revision[]): RevisionListRow[] {
  const byName = new Map(revisionsView(svc, [...revisions]).items.map((r) => [r.name, r]));
  return revisions.map((rev) => {
    const row: RevisionListRow = { ...(byName.get(rev.metadata.name) as RevisionRow) };
    const image = rev.spec?.containers?.[0]?.image;
    if (image) row.image = image;
    return row;
  });
}

/** The `RevisionList` document of `revisions -o json|yaml`. */
export function revisionListView(svc: KnativeService, revisions: readonly Revision[]) {
  return document('RevisionList', {
    service: svc.metadata.name,
    namespace: svc.metadata.namespace,
    items: revisionRows(svc, revisions),
  });
}

const q = (s: string) => (/^[A-Za-z0-9._/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The command a person most likely runs next, from the rollout phase and the traffic shape. */
export function nextCommand(
  svc: KnativeService,
  rollout: RolloutView = deriveRollout(svc),
): { command: string; why: string } | undefined {
  const name = q(svc.metadata.name);
  const ns = svc.metadata.namespace && svc.metadata.namespace !== 'default' ? ` -n ${q(svc.metadata.namespace)}` : '';
  const cmd = (s: string) => `bgctl ${s}${ns}`;
  if (rollout.phase === 'invalid-state')
    return { command: cmd(`rollout ${name} --take-over`), why: 'the recorded rollout state cannot be read' };
  if (rollout.drift.length && rollout.phase !== 'promoted')
    return { command: cmd(`rollback ${name}`), why: 'traffic no longer matches the recorded rollout' };
  const latestCreated = svc.status?.latestCreatedRevisionName;
  const latestReady = svc.status?.latestReadyRevisionName;
  switch (rollout.phase) {
    case 'unpinned':
      return { command: cmd(`pin ${name}`), why: 'pin the serving revision so the next deploy starts at 0%' };
    case 'deployed': {
      // A candidate that failed cannot be staged: point at the way back instead of a verb that refuses.
      const cand = rollout.candidate?.revisionName ?? latestCreated;
      const configs = condition(svc, 'ConfigurationsReady');
      if (cand && cand !== latestReady && configs?.status === 'False') {
        return {
          command: cmd(`rollback ${name}`),
          why:
            `revision ${cand} failed${configs.reason ? ` (${configs.reason})` : ''}: ` +
            'close the rollout, then deploy a fixed image',
        };
      }
      return { command: cmd(`stage ${name}`), why: 'route the new revision at 0% under a tag' };
    }
    case 'staged':
      return {
        command: cmd(`verify ${name} --tag ${q(rollout.candidate?.tag ?? DefaultTags.candidate)}`),
        why: 'test the candidate through its tag URL',
      };
    case 'verified':
    case 'split': {
      const st = readState(svc).state;
      const next = st && isInProgress(st.phase) ? nextAction(st) : undefined;
      if (next?.kind === 'split')
        return {
          command: cmd(`split ${name} --percent ${next.percent}`),
          why: `next step of the rollout: ${next.percent}% to the candidate`,
        };
      if (next?.kind === 'promote' && rollout.phase === 'verified' && !st?.percents.length) {
        return {
          command: cmd(`split ${name} --percent 50`),
          why: 'send part of the traffic to the candidate (or promote directly)',
        };
      }
      return { command: cmd(`promote ${name}`), why: 'send all traffic to the candidate' };
    }
    case 'promoted':
      return {
        command: cmd(`cleanup ${name}`),
        why: `drop old targets once you are sure (undo with bgctl rollback ${name})`,
      };
    case 'rolled-back':
    case 'aborted':
      // A closed rollout's candidate is not staged again: the next rollout starts with a new deploy.
      return {
        command: cmd(`deploy ${name} --image IMAGE`),
        why:
          `rollout ${rollout.id} is ${rollout.phase}: ` +
          `start a new one with a fixed image (bgctl cleanup ${name} drops its tags)`,
      };
    default: {
      // pinned, manual-split: a rollout can start when a newer revision is ready.
      const serving = new Set(
        trafficRows(svc)
          .filter((t) => t.percent > 0)
          .map((t) => t.revisionName),
      );
      if (
        latestCreated &&
        latestCreated === latestReady &&
        !serving.has(latestCreated) &&
        rollout.phase !== 'manual-split'
      ) {
        return { command: cmd(`stage ${name}`), why: `revision ${latestCreated} is ready and gets no traffic yet` };
      }
      return { command: cmd(`deploy ${name} --image IMAGE`), why: 'start a rollout with a new revision' };
    }
  }
}

/** `status SERVICE`: core/view.ts's ServiceStatus plus conditions not True, revisions and the next command. */
export function serviceStatusView(svc: KnativeService, revisions: readonly Revision[] = []) {
  const base = statusView(svc, [...revisions]);
  const next = nextCommand(svc, base.rollout);
  return {
    ...base,
    conditions: conditionsNotTrue(svc),
    revisions: revisionRows(svc, revisions),
    ...(next ? { next } : {}),
  };
}

export interface ServiceSummary {
  name: string;
  namespace?: string;
  ready: 'True' | 'False' | 'Unknown';
  reason?: string;
  phase: RolloutView['phase'];
  traffic: TrafficRow[];
  url?: string;
  latestCreatedRevisionName?: string;
  latestReadyRevisionName?: string;
}

/** The lean per-service summary of `status -A` (JSON stays small for thousands of services). */
export function serviceSummary(svc: KnativeService): ServiceSummary {
  const ready = (svc.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const s: ServiceSummary = {
    name: svc.metadata.name,
    namespace: svc.metadata.namespace,
    ready: ready?.status ?? 'Unknown',
    phase: deriveRollout(svc).phase,
    traffic: trafficRows(svc).map(({ url: _url, ...t }) => t),
  };
  if (ready?.reason && ready.status !== 'True') s.reason = ready.reason;
  if (svc.status?.url) s.url = svc.status.url;
  if (svc.status?.latestCreatedRevisionName) s.latestCreatedRevisionName = svc.status.latestCreatedRevisionName;
  if (svc.status?.latestReadyRevisionName) s.latestReadyRevisionName = svc.status.latestReadyRevisionName;
  return s;
}

/** `status` of many services: `ServiceStatusList` with summaries. */
export function serviceStatusListView(
  services: readonly KnativeService[],
  scope: { namespace?: string; allNamespaces: boolean },
) {
  return document('ServiceStatusList', {
    ...(scope.allNamespaces ? { allNamespaces: true } : { namespace: scope.namespace }),
    items: services.map(serviceSummary),
  });
}

/** The tags a service routes (status when the route caught up, else spec), in list order. */
export function knownTags(svc: KnativeService): string[] {
  return [
    ...new Set(
      trafficRows(svc)
        .map((t) => t.tag)
        .filter((t): t is string => !!t),
    ),
  ];
}

/** The URL of `tag`, or a RefusedError naming the tags the service has. */
export function requireTagUrl(svc: KnativeService, tag: string): string {
  const url = tagUrl(svc, tag);
  if (url) return url;
  const name = svc.metadata.name;
  if (trafficRows(svc).some((t) => t.tag === tag) || svc.spec.traffic?.some((t) => t.tag === tag)) {
    throw new RefusedError(`tag "${tag}" of service "${name}" has no URL yet: the route has not caught up`, {
      reason: 'TagNotRouted',
      hint: `wait until it is Ready: bgctl status ${name}`,
    });
  }
  const tags = knownTags(svc);
  throw new RefusedError(
    `service "${name}" has no tag "${tag}"${tags.length ? ` (its tags: ${tags.join(', ')})` : ' (it has no tags)'}`,
    {
      reason: 'UnknownTag',
      hint: tags.length ? `pass one of them with --tag` : `stage a candidate under a tag first: bgctl stage ${name}`,
    },
  );
}

/** The tag `verify` checks by default: the candidate tag of the rollout in progress, else "candidate". */
export function defaultVerifyTag(svc: KnativeService): string {
  const st = readState(svc).state;
  return st && isInProgress(st.phase) ? st.candidate.tag : DefaultTags.candidate;
}

/** The `ServiceURL` document of `url`. */
export function urlView(svc: KnativeService, url: string, tag?: string) {
  return document('ServiceURL', {
    service: svc.metadata.name,
    namespace: svc.metadata.namespace,
    ...(tag ? { tag } : {}),
    url,
  });
}

export interface VerifyTarget {
  service: string;
  namespace?: string;
  tag: string;
  url: string;
  /** The revision the tag routes to (from status.traffic). */
  revisionName?: string;
  /** HOST:PORT connected to instead of the URL's host (--ingress / BGCTL_INGRESS). */
  connectTo?: string;
}

/** The `VerificationResult` document: target, checks, counts, latency and verdict. */
export function verificationView(target: VerifyTarget, spec: VerifySpec, summary: VerifySummary) {
  const checks: Record<string, unknown> = { requests: spec.requests, expectStatus: spec.expectStatus.text };
  if (spec.expectBody) {
    checks.expectBody = spec.expectBody.source;
    checks.expectBodyLimitBytes = BODY_CHECK_LIMIT;
  }
  if (spec.maxLatencyMs !== undefined) checks.maxLatencyMs = spec.maxLatencyMs;
  checks.timeoutMs = spec.timeoutMs;
  return document('VerificationResult', {
    ...target,
    verdict: summary.passed ? ('Passed' as const) : ('Failed' as const),
    passed: summary.passed,
    checks,
    requests: summary.requests,
    succeeded: summary.succeeded,
    failed: summary.failed,
    failures: summary.failures,
    statusCodes: summary.statusCodes,
    revisions: summary.revisions,
    latency: summary.latency,
    reasons: summary.reasons,
  });
}

/** The result type `runVerification` returns (and the wizard consumes). */
export type VerificationResult = ReturnType<typeof verificationView>;
