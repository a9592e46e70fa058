// The planner's inputs and outputs: plain data shared by the wizard, the step verbs, CI runs and the demo.
import type { TemplateDifference } from './template-diff.js';
import type { KnativeService, Revision, RevisionTemplate, TrafficTarget } from './knative-types.js';
import type { EnvChange, TrafficAssignment } from './parse.js';
import type { GatesRecord, RolloutPhase, RolloutState } from './state.js';
import type { TrafficDiffRow } from './traffic.js';

/** Default tags (overridable with --stable-tag, --tag, --previous-tag). */
export const DefaultTags = { stable: 'stable', candidate: 'candidate', previous: 'previous' } as const;

/** What the first plan relied on: a re-plan after a 409 refuses (ConflictError) when it changed. */
export interface Expectation {
  rolloutId?: string;
  phase?: RolloutPhase;
  /** Percent per revision (`@latest` for floating targets), entries above 0 only. */
  shares: Record<string, number>;
  image?: string;
  stable?: string;
  candidate?: string;
}

export interface IntentCommon {
  /** Start a new rollout even though one is in progress (or the state is unreadable): it is closed as aborted. */
  takeOver?: boolean;
  /** The rollout the caller is driving (wizard, --resume): refuse if the service now records another one. */
  rolloutId?: string;
  /** Continue from traffic someone else changed (core/drift.ts); with `trafficKey`, only that exact spec.traffic. */
  adoptTraffic?: { trafficKey?: string };
  expect?: Expectation;
  /** The metric gates' verdict this step acts on, recorded with the rollout. */
  gates?: GatesRecord;
  /** The fleet id a rollout this step opens is recorded with (see core/fleet.ts). */
  fleet?: string;
}

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
  now: string;
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

export interface Plan {
  kind: IntentKind;
  service: { name: string; namespace?: string; resourceVersion?: string };
  before: TrafficTarget[];
  /** The complete desired spec.traffic (Knative replaces the list as a whole). */
  desired: TrafficTarget[];
  diff: TrafficDiffRow[];
  trafficChanged: boolean;
  template?: RevisionTemplate;
  /** What the new template changes compared with the serving revision (deploy). */
  templateDiff?: TemplateDifference[];
  annotations: Record<string, string | null>;
  state?: RolloutState;
  revisionAnnotations: RevisionAnnotationChange[];
  deleteRevisions: string[];
  warnings: string[];
  /** Things bgctl did on the user's behalf (e.g. pinned before deploying). */
  notices: string[];
  noop: boolean;
  expect: Expectation;
}
