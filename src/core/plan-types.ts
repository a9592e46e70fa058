// The planner's inputs and outputs: plain data that the wizard, the step commands, CI runs and the
// demo all pass through the same functions.
import type { TemplateDifference } from './template-diff.js';
import type { KnativeService, Revision, RevisionTemplate, TrafficTarget } from './knative-types.js';
import type { EnvChange, TrafficAssignment } from './parse.js';
import type { RolloutPhase, RolloutState } from './state.js';
import type { TrafficDiffRow } from './traffic.js';

/** Default tags (overridable with --stable-tag, --tag, --previous-tag). */
export const DefaultTags = { stable: 'stable', candidate: 'candidate', previous: 'previous' } as const;

/**
 * What the planner relied on when it first planned. On a 409 the kube layer re-reads the Service
 * and plans the same intent again with this attached; any difference that changes the meaning of
 * the intent is a ConflictError saying what changed.
 */
export interface Expectation {
  /** Rollout id and phase seen (absent: no rollout). */
  rolloutId?: string;
  phase?: RolloutPhase;
  /** Percent per revision (`@latest` for floating targets), entries above 0 only. */
  shares: Record<string, number>;
  /** First container image of the template (deploy only). */
  image?: string;
  stable?: string;
  candidate?: string;
}

/** Fields every intent may carry. */
export interface IntentCommon {
  /** Start a new rollout even though one is in progress (or the state is unreadable): it is closed as aborted. */
  takeOver?: boolean;
  /** The rollout the caller is driving (wizard, --resume): refuse if the service now records another one. */
  rolloutId?: string;
  /**
   * Continue the open rollout from traffic someone else changed since bgctl recorded the rollout
   * (without it such a step is refused: see core/drift.ts). With `trafficKey` (core/drift.ts
   * trafficKey), only that exact spec.traffic is adopted: the one the user saw when taking over.
   */
  adoptTraffic?: { trafficKey?: string };
  /** Set on a re-plan after a 409 (see withExpectation). */
  expect?: Expectation;
}

/** What the user asked for. */
export type Intent = IntentCommon &
  (
    | { kind: 'pin'; revision?: string }
    | {
        kind: 'deploy';
        image?: string;
        env?: EnvChange[];
        /** Revision template annotations (autoscaling.knative.dev/*, sim.bgctl.dev/* knobs); null removes a key. */
        annotations?: Record<string, string | null>;
        revisionName?: string;
        tag?: string;
        stableTag?: string;
        percents?: number[];
      }
    | { kind: 'stage'; revision?: string; tag?: string; stableTag?: string; percents?: number[] }
    | {
        kind: 'verify';
        /** The checks failed (why, one line): a verified rollout goes back to staged with this recorded. */
        failed?: string;
      }
    | { kind: 'split'; percent?: number; traffic?: TrafficAssignment[] }
    | { kind: 'promote'; retire?: boolean; previousTag?: string }
    | { kind: 'rollback'; reason?: string }
    | { kind: 'abort'; reason?: string }
    | { kind: 'cleanup'; deleteRevisions?: boolean; force?: boolean }
  );

export type IntentKind = Intent['kind'];

/** The caller's clock and identity (core has neither). */
export interface PlanContext {
  /** RFC 3339 time of this invocation. */
  now: string;
  /** Who is acting, e.g. the kube user or a CI job id. */
  actor: string;
  /** Id for a rollout this plan starts (defaults to one derived from `now`). */
  newRolloutId?: string;
}

/** Everything the planner reads: the Service, its revisions (label serving.knative.dev/service), the intent. */
export interface PlanInput {
  service: KnativeService;
  revisions: Revision[];
  intent: Intent;
  ctx: PlanContext;
}

/** Annotation changes on one Revision (value null removes the key); applied with a merge patch. */
export interface RevisionAnnotationChange {
  revision: string;
  annotations: Record<string, string | null>;
}

/** The complete change for one write, plus what to show the user. */
export interface Plan {
  kind: IntentKind;
  service: { name: string; namespace?: string; resourceVersion?: string };
  before: TrafficTarget[];
  /** The complete desired spec.traffic (Knative replaces the list as a whole). */
  desired: TrafficTarget[];
  diff: TrafficDiffRow[];
  trafficChanged: boolean;
  /** New spec.template (deploy), written in the same patch as the traffic. */
  template?: RevisionTemplate;
  /** What the new template changes compared with the serving revision (deploy). */
  templateDiff?: TemplateDifference[];
  /** bgctl.dev/* annotation changes on the Service (null removes). */
  annotations: Record<string, string | null>;
  /** Rollout state after the write (absent: no rollout recorded). */
  state?: RolloutState;
  revisionAnnotations: RevisionAnnotationChange[];
  /** Revisions cleanup would delete (only with deleteRevisions). */
  deleteRevisions: string[];
  warnings: string[];
  /** Things bgctl did on the user's behalf (e.g. pinned before deploying). */
  notices: string[];
  /** Nothing to write. */
  noop: boolean;
  expect: Expectation;
}
