// pin and deploy: get the service off the floating target, then change the template in the same write.
import { templateDifferences } from './template-diff.js';
import type { Container, RevisionTemplate, TrafficTarget } from './knative-types.js';
import { RefusedError } from './errors.js';
import type { EnvChange } from './parse.js';
import { DefaultTags, type Intent } from './plan-types.js';
import { advance, claimService, newState, validateTagPair } from './plan-bookkeeping.js';
import { rebuild, type Disposition } from './plan-ownership.js';
import { requireRevision, servingRevision, type Draft, type Work } from './plan-work.js';
import { isInProgress, type RolloutState } from './state.js';
import { isFloating, isUnpinned, pinned } from './traffic.js';

/** Traffic with all percent on `revision` by name: tags stay at 0%, untagged entries that lose their percent go. */
export function pinTraffic(w: Work, revision: string): TrafficTarget[] {
  const onTarget = (t: TrafficTarget) => !isFloating(t) && t.revisionName === revision;
  const routed = w.before.filter((t) => (t.percent ?? 0) > 0);
  if (routed.length && routed.every(onTarget)) return w.before;
  for (const t of w.before) {
    if ((t.percent ?? 0) > 0 && !isFloating(t) && t.revisionName !== revision)
      w.warnings.push(
        `moving ${t.percent}% away from revision "${t.revisionName}"${t.tag ? ` (tag "${t.tag}" stays at 0%)` : ''}`,
      );
    if ((t.percent ?? 0) > 0 && isFloating(t))
      w.notices.push(
        `replaced the floating latestRevision target (${t.percent}%) with revision "${revision}" pinned by name`,
      );
  }
  const host = hostEntry(w.before, revision);
  if (host) {
    // Another entry of the same revision would duplicate it: give the host the 100% instead.
    const desired: TrafficTarget[] = [];
    for (const t of w.before) {
      if (t === host) desired.push({ ...t, percent: 100 });
      else if (!t.tag && ((t.percent ?? 0) > 0 || onTarget(t))) continue;
      else desired.push((t.percent ?? 0) > 0 ? { ...t, percent: 0 } : t);
    }
    return desired;
  }
  const classify = (t: TrafficTarget): Disposition => ((t.percent ?? 0) > 0 ? (t.tag ? 'zero' : 'consume') : 'keep');
  return rebuild(w.before, classify, (share) => [pinned(revision, share)]).desired;
}

/** The entry that carries the pin: most percent, then untagged; never a 0% tag (it may be someone else's). */
function hostEntry(before: TrafficTarget[], revision: string): TrafficTarget | undefined {
  const own = before.filter((t) => !isFloating(t) && t.revisionName === revision && (!t.tag || (t.percent ?? 0) > 0));
  return own.reduce<TrafficTarget | undefined>((best, t) => {
    if (!best) return t;
    const dp = (t.percent ?? 0) - (best.percent ?? 0);
    return dp > 0 || (dp === 0 && !t.tag && !!best.tag) ? t : best;
  }, undefined);
}

/** pin: 100% to the named (or currently serving) revision by name; refuses during a rollout unless taking over. */
export function planPin(w: Work, intent: Extract<Intent, { kind: 'pin' }>): Draft {
  let history: RolloutState[] | undefined;
  let state = w.state;
  if (state && isInProgress(state.phase)) {
    history = claimService(w, 'pin');
    state = { ...history[0] };
  }
  const revision = intent.revision ?? servingRevision(w);
  requireRevision(w, revision, { ready: true });
  const desired = pinTraffic(w, revision);
  w.notices.push(`pins are sticky: revisions deployed later get 0% until promoted (bgctl promote ${w.name})`);
  return { desired, state, history };
}

/** What a deploy changes in the template: first container's image and env, template annotations, revision name. */
export interface TemplateChange {
  image?: string;
  env?: EnvChange[];
  annotations?: Record<string, string | null>;
  revisionName?: string;
}

/** True when the change names nothing to change (then there is nothing to deploy). */
export function isEmptyChange(c: TemplateChange): boolean {
  return (
    c.image === undefined && !c.env?.length && !Object.keys(c.annotations ?? {}).length && c.revisionName === undefined
  );
}

function applyAnnotations(next: RevisionTemplate, changes: Record<string, string | null>, w: Work): void {
  if (!Object.keys(changes).length) return;
  const meta = (next.metadata ??= {});
  const ann: Record<string, string> = { ...(meta.annotations ?? {}) };
  for (const [k, v] of Object.entries(changes)) {
    if (v !== null) ann[k] = v;
    else if (k in ann) delete ann[k];
    else w.warnings.push(`annotation ${k} is not set on the template; nothing to remove`);
  }
  if (Object.keys(ann).length) meta.annotations = ann;
  else delete meta.annotations;
  if (!Object.keys(meta).length) delete next.metadata;
}

/** The template after `change`; refuses a change Knative would not turn into a new revision. */
export function changeTemplate(w: Work, template: RevisionTemplate, change: TemplateChange): RevisionTemplate {
  const { image, env = [], annotations = {}, revisionName } = change;
  const next: RevisionTemplate = structuredClone(template);
  const containers = next.spec.containers;
  if (!containers?.length)
    throw new RefusedError(`service "${w.name}" has no container in spec.template`, { reason: 'NoContainer' });
  if (containers.length > 1 && (image !== undefined || env.length))
    w.warnings.push(
      `the template has ${containers.length} containers; ` +
        `changing the first one ("${containers[0].name ?? 'user-container'}")`,
    );
  const c: Container = containers[0];
  if (image !== undefined) c.image = image;
  for (const change of env) {
    const list = c.env ?? [];
    const at = list.findIndex((e) => e.name === change.name);
    if ('remove' in change) {
      if (at < 0) w.warnings.push(`env ${change.name} is not set; nothing to remove`);
      else list.splice(at, 1);
    } else if (at >= 0) list[at] = { name: change.name, value: change.value };
    else list.push({ name: change.name, value: change.value });
    if (list.length) c.env = list;
    else delete c.env;
  }
  // Annotations on spec.template.metadata land on the new revision (a change there is a new revision).
  applyAnnotations(next, annotations, w);
  const byo = template.metadata?.name;
  if (revisionName !== undefined) {
    if (!revisionName.startsWith(`${w.name}-`))
      throw new RefusedError(`revision name "${revisionName}" must start with "${w.name}-"`, {
        reason: 'InvalidRevisionName',
      });
    next.metadata = { ...(next.metadata ?? {}), name: revisionName };
  }
  if (JSON.stringify(next) === JSON.stringify(template)) {
    throw new RefusedError(
      `nothing to deploy: the template of service "${w.name}" ` +
        `already has ${image ? `image ${image}` : 'these settings'}`,
      {
        reason: 'NoChange',
        hint: 'pass a different --image, --env or --annotation',
      },
    );
  }
  if (byo && next.metadata?.name === byo) {
    // The webhook rejects any template change that keeps a user-chosen revision name.
    throw new RefusedError(
      `the template names its revision "${byo}" (spec.template.metadata.name); ` +
        'Knative rejects a template change without a new name',
      {
        reason: 'RevisionNameUnchanged',
        hint: `pass a new revision name starting with "${w.name}-"`,
      },
    );
  }
  return next;
}

/** deploy: template change and (if unpinned) the pin, in one write; opens a rollout in phase deployed. */
export function planDeploy(w: Work, intent: Extract<Intent, { kind: 'deploy' }>): Draft {
  if (isEmptyChange(intent)) {
    throw new RefusedError('nothing to deploy: pass --image, --env or --annotation', { reason: 'NoChange' });
  }
  const history = claimService(w, 'deploy');
  const stableTag = intent.stableTag ?? DefaultTags.stable;
  const candTag = intent.tag ?? DefaultTags.candidate;
  validateTagPair(w, stableTag, candTag);
  const stable = servingRevision(w);
  requireRevision(w, stable, { role: 'stable' });
  const template = changeTemplate(w, w.svc.spec.template, intent);
  let desired = w.before;
  if (isUnpinned(w.svc)) {
    desired = pinTraffic(w, stable);
    w.notices.push(
      `service was unpinned: pinned revision "${stable}" at 100% in the same write, so the new revision starts at 0%`,
    );
  }
  const created = w.svc.status?.latestCreatedRevisionName;
  if (created && created !== w.svc.status?.latestReadyRevisionName)
    w.warnings.push(`the latest created revision "${created}" is not Ready; this deploy supersedes it`);
  const reuse = w.state && isInProgress(w.state.phase) && intent.rolloutId === w.state.id;
  const fields = {
    phase: 'deployed' as const,
    stable: { revision: stable, tag: stableTag },
    candidate: { tag: candTag },
    percents: intent.percents ?? w.state?.percents ?? [],
    image: intent.image,
  };
  const state = reuse && w.state ? advance(w, w.state, { ...fields, levelIndex: -1, percent: 0 }) : newState(w, fields);
  if (state.image === undefined) delete state.image;
  const revision = (name: string | undefined) => w.revisions.find((r) => r.metadata.name === name);
  const templateDiff = templateDifferences(revision(stable), template, revision(created));
  return { desired, template, templateDiff, state, history: history === w.history ? undefined : history };
}
