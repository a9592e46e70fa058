// One traffic-moving step, the same for every verb, the wizard and the unattended pipeline:
// read -> plan (core) -> show -> confirm -> conditional write with re-plan on conflict -> revision
// annotations -> wait by watching -> deletes -> report. Nothing here decides traffic; core/plan.ts does.
import os from 'node:os';
import { BgctlError, ConflictError, FailedError } from '../../core/errors.js';
import { condition, type KnativeService, type Revision } from '../../core/knative-types.js';
import { plan as planIntent, withExpectation } from '../../core/plan.js';
import type { Intent, Plan } from '../../core/plan-types.js';
import { buildRevisionPatch, buildServicePatch } from '../../core/patch.js';
import { describeWriter, trafficWriter } from '../../core/drift.js';
import { planStillHolds, statusMatches } from '../../core/status-match.js';
import { parseDuration } from '../../core/parse.js';
import { revisionReady } from '../../core/traffic.js';
import type { KnativeClient } from '../../kube/client.js';
import { startProgress } from '../../ui/progress.js';
import { applyRevisionChanges, incompleteError } from './follow-up.js';
import { printable } from '../../ui/sanitize.js';
import { confirmChange } from '../../ui/resolve.js';
import type { CommandContext } from '../context.js';

/** The write flags every traffic-moving verb shares (added by catalog.ts). */
export interface WriteFlags {
  dryRun?: 'client' | 'server';
  yes?: boolean;
  wait: boolean;
  /** --timeout as typed, e.g. "5m". */
  timeout: string;
}

export interface StepRequest {
  service: string;
  intent: Intent;
  flags: WriteFlags;
  /** The confirmation question for this plan, e.g. "Send 50% of traffic to hello-00002?". */
  question: (plan: Plan) => string;
  /** Called with the first plan before confirmation (printing is the caller's). May be async. */
  onPlan?: (plan: Plan, svc: KnativeService, revisions: Revision[]) => void | Promise<void>;
  /** Called when the service changed between the read and the write and the intent was planned again. */
  onReplan?: (plan: Plan, attempt: number) => void;
  /** Progress of the wait. Without it runStep shows its own (spinner on a terminal, lines otherwise). */
  onWait?: (message: string) => void;
  /**
   * What the caller already knows (e.g. the previous step's `StepOutcome.service`/`.revisions`):
   * planned on instead of reading the service and its revisions again. If it is stale, the
   * resourceVersion precondition of the write refuses it (409) and the step reads and plans again.
   */
  known?: { service: KnativeService; revisions: Revision[] };
}

export interface StepOutcome {
  /** The plan that was finally written (a re-plan after a conflict replaces the first). */
  plan: Plan;
  /** What happened: nothing to do, only shown, validated by the server, or written. */
  result: 'noop' | 'dry-run' | 'server-dry-run' | 'applied';
  /** The service after the step (after the wait when waiting). */
  service: KnativeService;
  /**
   * The revisions after the step: read again only when a template change created one (after the
   * wait); otherwise those the step planned on, with its annotation patches applied and its
   * deletions removed.
   */
  revisions: Revision[];
  /** Revisions deleted by cleanup. */
  deleted: string[];
  /** Plan/patch rounds (more than 1 after conflicts). */
  attempts: number;
  /** Whether the step waited for Knative to carry the change out. */
  waited: boolean;
  /** The revision a template change created (deploy), once known. */
  newRevision?: string;
}

/** Who is acting, recorded in the rollout state: BGCTL_ACTOR, else the OS user. */
export function actorOf(env: Record<string, string | undefined>): string {
  if (env.BGCTL_ACTOR) return env.BGCTL_ACTOR;
  try {
    return os.userInfo().username;
  } catch {
    return 'bgctl';
  }
}

async function readService(client: KnativeClient, name: string): Promise<{ svc: KnativeService; revisions: Revision[] }> {
  const [svc, revisions] = await Promise.all([client.getService(name), client.listRevisions(name)]);
  return { svc, revisions };
}

/**
 * True once a template change has produced a new revision that is Ready: latestCreatedRevisionName
 * moved past `previous` and latestReadyRevisionName caught up with it. The traffic alone cannot
 * tell, because a deploy onto pinned traffic leaves status.traffic as it was.
 */
export function newRevisionReady(svc: KnativeService, previous: string | undefined): boolean {
  const created = svc.status?.latestCreatedRevisionName;
  if (!created || created === previous) return false;
  return svc.status?.latestReadyRevisionName === created && condition(svc, 'ConfigurationsReady')?.status !== 'False';
}

/** Runs one step end to end; throws the typed errors of core/errors.ts (exit codes: docs/cli.md). */
export async function runStep(ctx: CommandContext, req: StepRequest): Promise<StepOutcome> {
  const timeoutMs = parseDuration(req.flags.timeout, '--timeout');
  const client = await ctx.kube();
  const planCtx = { now: ctx.now().toISOString(), actor: actorOf(ctx.io.env) };
  const planFor = (service: KnativeService, revisions: Revision[], intent: Intent): Plan => planIntent({ service, revisions, intent, ctx: planCtx });
  const first = req.known ? { svc: req.known.service, revisions: req.known.revisions } : await readService(client, req.service);
  let current = planFor(first.svc, first.revisions, req.intent);
  const base = { service: first.svc, revisions: first.revisions, deleted: [], waited: false };
  await req.onPlan?.(current, first.svc, first.revisions);
  if (current.noop) return { ...base, plan: current, result: 'noop', attempts: 0 };
  if (req.flags.dryRun === 'client') return { ...base, plan: current, result: 'dry-run', attempts: 0 };
  if (req.flags.dryRun === 'server') {
    const svc = await serverDryRun(client, req.service, first.svc, current);
    printServerWarnings(ctx, client);
    return { ...base, service: svc, plan: current, result: 'server-dry-run', attempts: 1 };
  }

  await confirmChange(ctx.io, ctx.prompter(), { yes: req.flags.yes, message: req.question(current) });

  const { updateWithRetry } = await import('../../kube/update.js');
  let revisions = first.revisions;
  let planned = first.svc;
  let rounds = 0;
  // The first round writes on what was just read (or given): the resourceVersion precondition turns
  // a stale object into a 409. Later rounds re-read the service; when it changed since it was planned,
  // the revisions may have changed too (a candidate deleted): read them in the same step, so the plan
  // callback below stays synchronous.
  const getFresh = async (name: string): Promise<KnativeService> => {
    const fresh = await client.getService(name);
    if (fresh.metadata.resourceVersion !== planned.metadata.resourceVersion) revisions = await client.listRevisions(name);
    return fresh;
  };
  const reader = withGetService(client, getFresh);
  const update = await updateWithRetry(
    reader,
    req.service,
    (fresh) => {
      rounds++;
      // Plan the same intent again with what the first plan relied on attached, so that a changed
      // premise refuses (ConflictError) instead of overwriting someone else's change.
      if (fresh.metadata.resourceVersion !== planned.metadata.resourceVersion) {
        current = planFor(fresh, revisions, withExpectation(req.intent, current));
        planned = fresh;
        req.onReplan?.(current, rounds);
      }
      if (current.noop) return 'noop';
      // updateWithRetry adds its own resourceVersion guard; keep exactly one.
      return { ops: buildServicePatch(fresh, current).filter((op) => op.path !== '/metadata/resourceVersion') };
    },
    { retry: { signal: ctx.signal }, initial: first.svc },
  ).finally(() => printServerWarnings(ctx, client));
  if (current.noop) return { ...base, service: update.service, revisions, plan: current, result: 'noop', attempts: update.attempts };

  // The service write above is the commit point; what follows is bookkeeping (follow-up.ts).
  const { patched, missed } = await applyRevisionChanges(client, current.revisionAnnotations, ctx.signal);

  let svc = update.service;
  let waited = false;
  if (req.flags.wait && !update.noop) {
    svc = await waitFor(ctx, client, req, current, planned, update.service, timeoutMs);
    waited = true;
  }
  // Deleted only after the route stopped using them (when waiting), so no request hits a vanishing
  // revision; and only if nobody routed to one since the plan (a foreign 0% tag added during the
  // wait): the service is read once more right before, and such a revision is kept.
  const deleted: string[] = [];
  if (current.deleteRevisions.length > 0) {
    svc = await client.getService(req.service);
    const routed = new Set((svc.spec.traffic ?? []).flatMap((t) => (t.revisionName ? [t.revisionName] : [])));
    for (const name of current.deleteRevisions) {
      if (routed.has(name)) {
        ctx.io.err.write(ctx.io.colors().warn(printable(`Warning: kept revision ${name}: traffic of service "${req.service}" routes to it again (someone else changed it after bgctl's plan)`)) + '\n');
        continue;
      }
      try {
        await client.deleteRevision(name);
        deleted.push(name);
      } catch (err) {
        if (ctx.signal.aborted || !(err instanceof BgctlError)) throw err;
        missed.push({ what: `delete revision ${name}`, error: err });
      }
    }
  }
  const created = svc.status?.latestCreatedRevisionName;
  const newRevision = current.template && created && created !== planned.status?.latestCreatedRevisionName ? created : undefined;
  // Only a template change adds a revision; for traffic moves the watched service plus what the
  // step planned on (and the patches it got back) is the whole picture, so no second list.
  if (waited && newRevision) revisions = await client.listRevisions(req.service);
  else revisions = revisions.filter((r) => !deleted.includes(r.metadata.name)).map((r) => patched.get(r.metadata.name) ?? r);
  if (missed.length) throw incompleteError(req.service, current.kind, missed);
  const outcome: StepOutcome = { plan: current, result: 'applied', service: svc, revisions, deleted, attempts: update.attempts, waited };
  if (newRevision) outcome.newRevision = newRevision;
  return outcome;
}

/** The same client with getService replaced (explicit delegation, so every other call is the client's own). */
function withGetService(c: KnativeClient, getService: KnativeClient['getService']): KnativeClient {
  return {
    get namespace() {
      return c.namespace;
    },
    get context() {
      return c.context;
    },
    get server() {
      return c.server;
    },
    get warnings() {
      return c.warnings;
    },
    getService,
    getServiceSnapshot: (name) => c.getServiceSnapshot(name),
    listServices: (opts) => c.listServices(opts),
    revisionPages: (service, opts) => c.revisionPages(service, opts),
    listRevisions: (service) => c.listRevisions(service),
    getRevision: (name) => c.getRevision(name),
    createService: (svc, opts) => c.createService(svc, opts),
    patchService: (name, ops, opts) => c.patchService(name, ops, opts),
    mergePatchRevision: (name, patch, opts) => c.mergePatchRevision(name, patch, opts),
    deleteRevision: (name, opts) => c.deleteRevision(name, opts),
    watchService: (name, rv, onEvent, onDone) => c.watchService(name, rv, onEvent, onDone),
    takeServerWarnings: () => c.takeServerWarnings(),
  };
}

/**
 * The server's admission warnings of the write (Knative >= 1.9 warns about insecure securityContext
 * defaults on every write), on stderr in kubectl's words, also when the write was refused. The
 * client hands out each text once per command, so a rollout shows a warning once, not per step.
 */
function printServerWarnings(ctx: CommandContext, client: KnativeClient): void {
  for (const w of client.takeServerWarnings()) ctx.io.err.write(`Warning: ${printable(w)}\n`);
}

/** Sends the service patch (and revision side changes) with dryRun=All; returns what the server would store. */
async function serverDryRun(client: KnativeClient, name: string, svc: KnativeService, p: Plan): Promise<KnativeService> {
  const ops = buildServicePatch(svc, p);
  const result = ops.length ? await client.patchService(name, ops, { dryRun: 'All' }) : svc;
  for (const change of p.revisionAnnotations) await client.mergePatchRevision(change.revision, buildRevisionPatch(change), { dryRun: 'All' });
  for (const rev of p.deleteRevisions) await client.deleteRevision(rev, { dryRun: 'All' });
  return result;
}

/** Waits by watch until Knative carried the plan out; a failed new revision is reported with its own reason. */
async function waitFor(ctx: CommandContext, client: KnativeClient, req: StepRequest, p: Plan, planned: KnativeService, written: KnativeService, timeoutMs: number): Promise<KnativeService> {
  const { waitForService } = await import('../../kube/wait.js');
  const desired = p.desired;
  const previous = planned.status?.latestCreatedRevisionName;
  const deploy = p.template !== undefined;
  const label = deploy ? `Waiting for the new revision of ${req.service} to become ready` : `Waiting for ${req.service} to route the new traffic`;
  const progress = req.onWait ? undefined : await startProgress(ctx.io, label);
  try {
    const svc = await waitForService(client, req.service, {
      timeoutMs,
      from: written,
      // Routed as the live spec says: a foreign edit after bgctl's write (a 0% tag) must not make the
      // wait run into --timeout; whether bgctl's own targets survived is checked once it returns.
      predicate: deploy ? (s) => newRevisionReady(s, previous) && statusMatches(s, s.spec.traffic ?? desired) : (s) => statusMatches(s, s.spec.traffic ?? desired),
      predicateLabel: deploy ? 'the new revision to become ready' : 'the new traffic split to be routed',
      // A traffic move among ready revisions (e.g. a rollback after a failed deploy) is carried out
      // by the Route even while a failed latest revision keeps ConfigurationsReady False.
      trafficOnly: deploy ? undefined : { revisions: desired.flatMap((t) => (t.revisionName ? [t.revisionName] : [])) },
      signal: ctx.signal,
      onProgress: (pr) => (req.onWait ? req.onWait(pr.message) : progress?.update(pr.message)),
    });
    const st = p.state;
    const ownTags = new Set(st ? [st.stable.tag, st.candidate.tag, ...(st.previousTag ? [st.previousTag] : [])] : []);
    if (!planStillHolds(svc.spec.traffic, desired, ownTags)) {
      throw new ConflictError(`traffic of service "${req.service}" was changed ${describeWriter(trafficWriter(svc))} right after bgctl's write`, {
        reason: 'TrafficChanged',
        hint: `bgctl status ${req.service} shows the traffic now; run the command again if it still applies`,
      });
    }
    const notReady = condition(svc, 'Ready')?.status === 'False' ? condition(svc, 'ConfigurationsReady') : undefined;
    if (notReady) {
      const line = `Traffic of ${req.service} is routed as planned, but the service is not Ready: ${notReady.message ?? notReady.reason ?? ''}`;
      if (progress) progress.warn(line);
      else ctx.io.err.write(`Warning: ${printable(line)}\n`);
    } else progress?.succeed(deploy ? `Revision ${svc.status?.latestCreatedRevisionName} is ready` : `Traffic of ${req.service} is routed as planned`);
    return svc;
  } catch (err) {
    progress?.fail();
    if (err instanceof FailedError && deploy) throw await revisionFailure(client, req.service, previous, err);
    throw err;
  }
}

/** Replaces "service not ready: RevisionFailed" by the failed revision's own reason (e.g. ContainerMissing) and message. */
async function revisionFailure(client: KnativeClient, name: string, previous: string | undefined, err: FailedError): Promise<FailedError> {
  try {
    const svc = await client.getService(name);
    const created = svc.status?.latestCreatedRevisionName;
    if (!created || created === previous) return err;
    const ready = revisionReady(await client.getRevision(created));
    if (ready.status !== 'False') return err;
    const serving = (svc.status?.traffic ?? []).filter((t) => (t.percent ?? 0) > 0).map((t) => `${t.revisionName} ${t.percent}%`).join(', ');
    return new FailedError(`revision "${created}" of service "${name}" failed: ${[ready.reason, ready.message].filter(Boolean).join(': ')}`, {
      reason: ready.reason || err.reason,
      hint: `traffic is unchanged${serving ? ` (${serving})` : ''}; close the rollout with bgctl rollback ${name}, or deploy a fixed template with --take-over`,
      cause: err,
    });
  } catch {
    return err;
  }
}
