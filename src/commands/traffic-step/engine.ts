// The traffic-step engine: one change as small functions called in order: prepare (read, plan) -> show -> settle
// without writing (no-op, dry runs) -> confirm -> write (re-plan on conflict) -> finish (follow-up writes, wait,
// deletes) -> StepOutcome. Traffic is decided by core/plan.ts, not here.
import os from 'node:os';
import { BgctlError } from '../../core/errors.js';
import type { KnativeService, Revision } from '../../core/knative-types.js';
import { plan as planIntent } from '../../core/plan.js';
import type { Intent, Plan, PlanContext } from '../../core/plan-types.js';
import { parseDuration } from '../../core/parse.js';
import type { KnativeClient } from '../../kube/client.js';
import { printable } from '../../ui/sanitize.js';
import { confirmChange, type ConfirmOptions } from '../../ui/resolve.js';
import type { CommandContext } from '../context.js';
import { flaggerOf, refuseManaged, withControllers } from './controllers.js';
import { applyRevisionChanges, incompleteError, type MissedWrite } from './follow-up.js';
import { waitForStep } from './wait.js';
import { printServerWarnings, serverDryRun, writeStep, type WrittenStep } from './write.js';
import { writesNothing, type WriteFlags } from '../write-flags.js';

export interface Target {
  service: KnativeService;
  revisions: Revision[];
}

export interface TrafficStepRequest {
  service: string;
  intent: Intent;
  flags: WriteFlags;
  /** The confirmation question for this plan, e.g. "Send 50% of traffic to hello-00002?". */
  question: (plan: Plan) => string;
  /** Planned on instead of reading again (e.g. the last step's outcome); a stale copy gets a 409 and a re-plan. */
  known?: Target;
  /** How the confirmation behaves beyond the question: what "no" throws, Enter's answer, the refusal without a TTY. */
  confirm?: Pick<ConfirmOptions, 'onDecline' | 'defaultAnswer' | 'withoutTerminal'>;
}

/** A step read and planned, not yet written. */
export interface PreparedStep {
  req: TrafficStepRequest;
  client: KnativeClient;
  planCtx: PlanContext;
  read: Target;
  plan: Plan;
}

export interface StepOutcome {
  /** The plan that was finally written (a re-plan after a conflict replaces the first). */
  plan: Plan;
  /** What happened: nothing to do, only shown, validated by the server, rendered (--render), or written. */
  result: 'noop' | 'dry-run' | 'server-dry-run' | 'rendered' | 'applied';
  service: KnativeService;
  /** The service the first plan was made from (a server dry run's `service` is the server's answer instead). */
  planned: KnativeService;
  /** The revisions after the step: read again after a template change, else those planned on, patched and pruned. */
  revisions: Revision[];
  deleted: string[];
  attempts: number;
  /** The plans made again after a conflict, with the round each was made in. */
  replans: Array<{ plan: Plan; attempt: number }>;
  waited: boolean;
  /** The revision a template change created (deploy), once known. */
  newRevision?: string;
  /** What a `rendered` step prints: the Service manifest or the patch. */
  render?: 'manifest' | 'patch';
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

/**
 * Reads the service and its revisions (unless known) and plans the intent on them; the plan warns about the other
 * controllers of the service (--gitops=refuse refuses a write then, exit 5).
 */
export async function prepareStep(ctx: CommandContext, req: TrafficStepRequest): Promise<PreparedStep> {
  parseDuration(req.flags.timeout, '--timeout');
  const client = await ctx.kube();
  const planCtx = { now: ctx.now().toISOString(), actor: actorOf(ctx.io.env) };
  const [read, flagger] = await Promise.all([req.known ?? readTarget(client, req.service), flaggerOf(client)]);
  const planned = planIntent({ service: read.service, revisions: read.revisions, intent: req.intent, ctx: planCtx });
  const { plan, controllers } = withControllers(planned, read.service, flagger);
  refuseManaged(plan, controllers, req.flags);
  return { req, client, planCtx, read, plan };
}

async function readTarget(client: KnativeClient, name: string): Promise<Target> {
  const [service, revisions] = await Promise.all([client.getService(name), client.listRevisions(name)]);
  return { service, revisions };
}

/** True when the step will ask and write: its plan is worth showing before the confirmation. */
export function willWrite(step: PreparedStep): boolean {
  return !step.plan.noop && !writesNothing(step.req.flags);
}

/** The outcome of a step that writes nothing (no-op, --dry-run, --dry-run=server); undefined when it writes. */
export async function settleWithoutWriting(ctx: CommandContext, step: PreparedStep): Promise<StepOutcome | undefined> {
  const { plan, read, req, client } = step;
  const base = {
    plan,
    service: read.service,
    planned: read.service,
    revisions: read.revisions,
    deleted: [],
    waited: false,
    replans: [],
    attempts: 0,
  };
  // A render prints the manifest even when nothing changes: it is what Git should hold.
  if (req.flags.render) return { ...base, result: 'rendered', render: req.flags.render };
  if (plan.noop) return { ...base, result: 'noop' };
  if (req.flags.dryRun === 'client') return { ...base, result: 'dry-run' };
  if (req.flags.dryRun === 'server') {
    const service = await serverDryRun(client, req.service, read.service, plan);
    printServerWarnings(ctx, client);
    return { ...base, service, result: 'server-dry-run', attempts: 1 };
  }
  return undefined;
}

/** Asks the step's question unless --yes (refuses without a terminal). */
export async function confirmStep(ctx: CommandContext, step: PreparedStep): Promise<void> {
  await confirmChange(ctx.io, ctx.prompter(), {
    ...step.req.confirm,
    yes: step.req.flags.yes,
    message: step.req.question(step.plan),
  });
}

/** Confirms, writes and finishes a prepared step that writes (re-plans are in the outcome, not shown). */
export async function carryOutStep(ctx: CommandContext, step: PreparedStep): Promise<StepOutcome> {
  await confirmStep(ctx, step);
  return finishStep(ctx, step, await writeStep(ctx, step));
}

/** After the commit point: revision annotations, the wait, the deletes; IncompleteError if a follow-up write failed. */
export async function finishStep(ctx: CommandContext, step: PreparedStep, written: WrittenStep): Promise<StepOutcome> {
  const { req, client } = step;
  const { plan, update, replans } = written;
  const base = { plan, planned: step.read.service, replans, attempts: update.attempts, deleted: [] as string[] };
  if (plan.noop)
    return { ...base, result: 'noop', service: update.service, revisions: written.revisions, waited: false };
  const { patched, missed } = await applyRevisionChanges(client, plan.revisionAnnotations, ctx.signal);
  let service = update.service;
  let waited = false;
  if (req.flags.wait && !update.noop) {
    service = await waitForStep(
      ctx,
      client,
      req.service,
      plan,
      written.planned,
      update.service,
      parseDuration(req.flags.timeout, '--timeout'),
    );
    waited = true;
  }
  let deleted: string[] = [];
  if (plan.deleteRevisions.length > 0)
    ({ service, deleted } = await deleteUnrouted(ctx, client, req.service, plan.deleteRevisions, missed));
  const created = service.status?.latestCreatedRevisionName;
  const newRevision =
    plan.template && created && created !== written.planned.status?.latestCreatedRevisionName ? created : undefined;
  // Only a template change adds a revision; for traffic moves the watched service plus the patched revisions suffice.
  const revisions =
    waited && newRevision
      ? await client.listRevisions(req.service)
      : written.revisions
          .filter((r) => !deleted.includes(r.metadata.name))
          .map((r) => patched.get(r.metadata.name) ?? r);
  if (missed.length) throw incompleteError(req.service, plan.kind, missed);
  const outcome: StepOutcome = { ...base, result: 'applied', service, revisions, deleted, waited };
  if (newRevision) outcome.newRevision = newRevision;
  return outcome;
}

/**
 * Deletes the planned revisions only after the route stopped using them (when waiting), and only if nobody routed
 * to one since the plan (the service is read once more right before; such a revision is kept).
 */
async function deleteUnrouted(
  ctx: CommandContext,
  client: KnativeClient,
  name: string,
  revisions: string[],
  missed: MissedWrite[],
): Promise<{ service: KnativeService; deleted: string[] }> {
  const service = await client.getService(name);
  const routed = new Set((service.spec.traffic ?? []).flatMap((t) => (t.revisionName ? [t.revisionName] : [])));
  const deleted: string[] = [];
  for (const rev of revisions) {
    if (routed.has(rev)) {
      ctx.io.err.write(
        ctx.io
          .colors()
          .warn(
            printable(
              `Warning: kept revision ${rev}: traffic of service "${name}" routes to it again ` +
                "(someone else changed it after bgctl's plan)",
            ),
          ) + '\n',
      );
      continue;
    }
    try {
      await client.deleteRevision(rev);
      deleted.push(rev);
    } catch (err) {
      if (ctx.signal.aborted || !(err instanceof BgctlError)) throw err;
      missed.push({ what: `delete revision ${rev}`, error: err });
    }
  }
  return { service, deleted };
}
