// Knative's own gradual rollout (rollout-duration): bgctl never starts one (it pins by revision name) but shows
// those it meets on services others deploy to.
import type { KnativeService } from './knative-types.js';
import { condition } from './knative-types.js';

/** Annotation keys of the rollout duration (the second is the older spelling upstream still reads). */
export const ROLLOUT_DURATION_KEYS = [
  'serving.knative.dev/rollout-duration',
  'serving.knative.dev/rolloutDuration',
] as const;

export const ROLLOUT_IN_PROGRESS = 'RolloutInProgress';

/** One latestRevision target in flight: the newest revision's share of the target's share. */
export interface GradualRolloutView {
  tag?: string;
  revisionName: string;
  percent: number;
  targetPercent: number;
  /** The older revisions still serving part of the target, oldest first. */
  from: Array<{ revisionName: string; percent: number }>;
}

/** The service's rollout duration as written (undefined when none is set). */
export function rolloutDuration(svc: KnativeService): string | undefined {
  const a = svc.metadata.annotations ?? {};
  for (const k of ROLLOUT_DURATION_KEYS) if (a[k]) return a[k];
  return undefined;
}

/** Whether Knative reports a gradual rollout in flight on the service's route. */
export function rolloutInProgress(svc: KnativeService): boolean {
  return [condition(svc, 'Ready'), condition(svc, 'RoutesReady')].some(
    (c) => c?.status === 'Unknown' && c.reason === ROLLOUT_IN_PROGRESS,
  );
}

/** The latestRevision targets in flight, from status.traffic (oldest entries first, the newest last). */
export function gradualRollouts(svc: KnativeService): GradualRolloutView[] {
  if (!rolloutInProgress(svc)) return [];
  const groups = new Map<string, Array<{ revisionName: string; percent: number }>>();
  for (const t of svc.status?.traffic ?? []) {
    if (!t.latestRevision || !t.revisionName) continue;
    const key = t.tag ?? '';
    (groups.get(key) ?? groups.set(key, []).get(key)!).push({ revisionName: t.revisionName, percent: t.percent ?? 0 });
  }
  const out: GradualRolloutView[] = [];
  for (const [tag, list] of groups) {
    if (list.length < 2) continue;
    const newest = list[list.length - 1];
    const v: GradualRolloutView = {
      revisionName: newest.revisionName,
      percent: newest.percent,
      targetPercent: list.reduce((s, r) => s + r.percent, 0),
      from: list.slice(0, -1),
    };
    if (tag) v.tag = tag;
    out.push(v);
  }
  return out;
}

/** "rolling out: 34% of target 100% to web-00002 (from web-00001 66%)". */
export function describeGradualRollout(g: GradualRolloutView): string {
  const from = g.from.map((r) => `${r.revisionName} ${r.percent}%`).join(', ');
  return (
    `rolling out: ${g.percent}% of target ${g.targetPercent}% to ${g.revisionName}` +
    (g.tag ? ` [${g.tag}]` : '') +
    (from ? ` (from ${from})` : '')
  );
}

export interface GradualRolloutFields {
  gradualRollout?: GradualRolloutView[];
  rolloutDuration?: string;
}

/** The fields a status document carries for a rollout in flight; empty when none, so JSON stays small. */
export function gradualRolloutFields(svc: KnativeService): GradualRolloutFields {
  if (!rolloutInProgress(svc)) return {};
  const duration = rolloutDuration(svc);
  return { gradualRollout: gradualRollouts(svc), ...(duration && { rolloutDuration: duration }) };
}

/** "(rolling out over 60s)": the note after a service's traffic while Knative's rollout moves it. */
export function rollingOutNote(duration: string | undefined): string {
  return `(rolling out${duration ? ` over ${duration}` : ''})`;
}

/** The wait's progress line for a rollout in flight, or undefined. */
export function gradualProgress(svc: KnativeService): string | undefined {
  if (!rolloutInProgress(svc)) return undefined;
  const list = gradualRollouts(svc);
  const duration = rolloutDuration(svc);
  const over = duration ? ` over rollout-duration ${duration}` : '';
  if (!list.length) return `Knative is rolling out the latest revision gradually${over}`;
  return `${list.map(describeGradualRollout).join('; ')}${over}`;
}

/** The short form of a list row's traffic cell: "web-00001 66% → web-00002 34% of 100%". */
export function describeGradualRolloutShort(g: GradualRolloutView): string {
  const from = g.from.map((r) => `${r.revisionName} ${r.percent}%`).join(', ');
  return (
    `${from ? `${from} → ` : ''}${g.revisionName} ${g.percent}%` +
    (g.targetPercent !== 100 ? ` of ${g.targetPercent}%` : '') +
    (g.tag ? ` [${g.tag}]` : '')
  );
}
