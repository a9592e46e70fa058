// The wizard's questions, one `ask<Field>(preset, …)` each: a preset (from its flag) is returned without asking.
import { UsageError } from '../../core/errors.js';
import type { KnativeService, Revision } from '../../core/knative-types.js';
import type { NextAction } from '../../core/phase.js';
import { parseEnvList } from '../../core/parse.js';
import { validateTag } from '../../core/names.js';
import type { RolloutState } from '../../core/state.js';
import { percentOf, normalizeTraffic, revisionReady } from '../../core/traffic.js';
import { parsePath } from '../../core/verify.js';
import type { Prompter } from '../../ui/prompter.js';
import type { Between } from './driver.js';
import type { VerifySettings } from './options.js';

/** Prompt messages (tests wait for and answer these). */
export const ASK = {
  namespace: 'Namespace',
  service: 'Service',
  inProgress: 'A rollout is in progress. What now?',
  source: 'The new revision',
  image: 'Image of the new revision',
  env: 'Env changes (KEY=VALUE or KEY-, comma separated, empty for none)',
  tag: 'Tag for the new revision (its own URL)',
  revision: 'Revision to roll out',
  verifyNow: 'Verify the tag URL now?',
  verifyPath: 'Path to request on the tag URL',
  verifyFailed: 'Verification failed. What now?',
  gatesFailed: 'The metric gates failed. What now?',
  judgeByMetrics: 'Judge the candidate by its metrics in Prometheus at each traffic level?',
  gates: 'Gates the candidate must pass',
  gatesOwn: 'Your gates (comma separated, e.g. latency-p99<800ms, error-rate<1%)',
  gatesFile: 'Gates file (YAML: gates, and queries they may name)',
  analysisTime: 'Analysis time at each traffic level',
  gateInterval: 'Time between two evaluations of the gates',
  gatesPassed: 'The gates passed. Go on to the next step?',
  next: 'Next step',
  percent: 'Percent of traffic for the new revision',
  retire: 'After promote, the old revision',
  revisionFailed: 'The new revision failed. What now?',
  drifted: 'Someone else changed the traffic. What now?',
  declined: 'The step was not made. What now?',
} as const;

const validated =
  (check: (v: string) => unknown) =>
  (v: string): true | string => {
    try {
      check(v);
      return true;
    } catch (err) {
      return err instanceof UsageError ? err.message : String(err);
    }
  };

/** The image, prefilled with `offered` (the demo's next image), else the current one to edit. */
export async function askImage(
  p: Prompter,
  preset: string | undefined,
  current: string | undefined,
  offered?: string,
): Promise<string> {
  if (preset !== undefined) return preset;
  return (
    await p.input(ASK.image, {
      default: offered ?? current,
      validate: (v) => (v.trim() ? true : 'an image is required'),
    })
  ).trim();
}

/** Env changes as typed (`K=V, K-`); empty for none. */
export async function askEnv(p: Prompter, preset: string[]): Promise<string[]> {
  if (preset.length) return preset;
  const split = (v: string) =>
    v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const raw = await p.input(ASK.env, { default: '', validate: validated((v) => parseEnvList(split(v))) });
  return split(raw);
}

export async function askTag(
  p: Prompter,
  preset: string | undefined,
  service: string,
  fallback = 'candidate',
): Promise<string> {
  if (preset !== undefined) return preset;
  return (
    await p.input(ASK.tag, { default: fallback, validate: validated((v) => validateTag(v.trim(), service)) })
  ).trim();
}

/** Deploy a new revision, or roll out one that exists and has no traffic. */
export async function askSource(
  p: Prompter,
  preset: 'deploy' | 'existing' | undefined,
  idle: Revision[],
): Promise<'deploy' | 'existing'> {
  if (preset) return preset;
  return p.select<'deploy' | 'existing'>(ASK.source, [
    { value: 'deploy', name: 'Deploy a new image or env change' },
    {
      value: 'existing',
      name: 'Use a revision that exists and has no traffic',
      disabled: idle.length ? false : '(none is Ready with 0%)',
    },
  ]);
}

/** Ready revisions of the service without traffic, newest first (candidates for "existing"). */
export function idleRevisions(svc: KnativeService, revisions: Revision[]): Revision[] {
  const traffic = normalizeTraffic(svc.spec.traffic);
  const latestReady = svc.status?.latestReadyRevisionName;
  const floating = traffic.some((t) => t.latestRevision && (t.percent ?? 0) > 0);
  return revisions
    .filter(
      (r) =>
        revisionReady(r).status === 'True' &&
        percentOf(traffic, r.metadata.name) === 0 &&
        !(floating && r.metadata.name === latestReady),
    )
    .sort(
      (a, b) =>
        (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
        b.metadata.name.localeCompare(a.metadata.name),
    );
}

export async function askRevision(p: Prompter, preset: string | undefined, idle: Revision[]): Promise<string> {
  if (preset !== undefined) return preset;
  return p.select(
    ASK.revision,
    idle.map((r) => ({ value: r.metadata.name, description: r.spec?.containers?.[0]?.image })),
  );
}

/** Whether and how to check the tag URL (undefined: skip). */
export async function askVerify(
  p: Prompter,
  preset: VerifySettings,
  skip: boolean,
): Promise<VerifySettings | undefined> {
  if (skip) return undefined;
  if (!(await p.confirm(ASK.verifyNow, { default: true }))) return undefined;
  if (preset.path !== undefined) return preset;
  const path = await p.input(ASK.verifyPath, { default: '/', validate: validated((v) => parsePath(v, 'path')) });
  return { ...preset, path: path.trim() };
}

/** Continue, pause, roll back or abort, before a traffic step. */
export async function askNext(p: Prompter, state: RolloutState, next: NextAction, service: string): Promise<Between> {
  const cand = state.candidate.revision ?? 'the candidate';
  const go =
    next.kind === 'split'
      ? `Continue: send ${next.percent}% of traffic to ${cand}`
      : `Continue: promote ${cand} to 100%`;
  return p.select<Between>(ASK.next, [
    { value: 'continue', name: go },
    { value: 'pause', name: `Pause here (continue later: bgctl rollout ${service} --resume)` },
    { value: 'rollback', name: `Roll back: all traffic to ${state.stable.revision}` },
    { value: 'abort', name: `Abort: all traffic to ${state.stable.revision}, rollout closed` },
  ]);
}

export async function askPercent(p: Prompter, planned: number): Promise<number> {
  return p.number(ASK.percent, { default: planned, min: 1, max: 99 });
}

/** Keep the old revision tagged at 0% (instant rollback) or retire it. */
export async function askRetire(
  p: Prompter,
  preset: boolean,
  state: RolloutState,
  previousTag: string,
): Promise<boolean> {
  if (preset) return true;
  const keep = await p.select<'keep' | 'retire'>(ASK.retire, [
    { value: 'keep', name: `Keep ${state.stable.revision} at 0% under tag "${previousTag}" for an instant rollback` },
    { value: 'retire', name: `Retire ${state.stable.revision}: drop it from traffic (Knative may garbage-collect it)` },
  ]);
  return keep === 'retire';
}

/** Whether a rollout in progress is resumed, rolled back, aborted, or left alone. */
export async function askInProgress(
  p: Prompter,
  state: RolloutState,
): Promise<'resume' | 'rollback' | 'abort' | 'quit'> {
  return p.select(ASK.inProgress, [
    { value: 'resume' as const, name: `Resume rollout ${state.id} from phase ${state.phase}` },
    { value: 'rollback' as const, name: `Roll back: all traffic to ${state.stable.revision}` },
    { value: 'abort' as const, name: `Abort: all traffic to ${state.stable.revision}, rollout closed` },
    { value: 'quit' as const, name: 'Quit and leave it as it is' },
  ]);
}

/** After a "no" to a step while no rollout is open: back to the first question, or quit. */
export async function askDeclined(p: Prompter): Promise<'again' | 'quit'> {
  return p.select(ASK.declined, [
    { value: 'again' as const, name: 'Go back: answer the questions of the new revision again' },
    { value: 'quit' as const, name: 'Quit: no rollout was started' },
  ]);
}
