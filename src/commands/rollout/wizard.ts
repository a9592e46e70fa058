// The interactive rollout: pick the service, see where it stands, then walk deploy → stage → verify → split →
// promote with a plan, the equivalent command and a confirmation before each change; the loop is the pipeline's.
import type { KnativeService } from '../../core/knative-types.js';
import { movesUserTraffic } from '../../core/phase-table.js';
import type { Intent } from '../../core/plan-types.js';
import { parseEnvList } from '../../core/parse.js';
import { driftError, trafficKey } from '../../core/drift.js';
import { PausedError } from '../../core/errors.js';
import { resumeIntent } from '../../core/phase.js';
import { isInProgress, readState, type RolloutState } from '../../core/state.js';
import { isUnpinned } from '../../core/traffic.js';
import { serviceStatusView } from '../../core/views/service-status.js';
import { tagUrl } from '../../core/views/rows.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { printable } from '../../ui/sanitize.js';
import type { CommandContext } from '../context.js';
import { renderServiceStatus } from '../read-views/read-print.js';
import { resolveService } from '../service-arg.js';
import { printMessages, printPlan } from '../traffic-step/show.js';
import {
  askDeclined,
  askEnv,
  askImage,
  askInProgress,
  askNext,
  askPercent,
  askRetire,
  askRevision,
  askSource,
  askTag,
  askVerify,
  idleRevisions,
  ASK,
} from './ask.js';
import { resumeHint } from './commands.js';
import { contextWith } from './context.js';
import { driveRollout, readService, startRollout, withResumeHint, type Decisions } from './driver.js';
import { narration } from './narrate.js';
import type { RolloutOptions } from './options.js';
import { newSession, openingIntent } from './pipeline.js';
import { printResult } from './result.js';
import { applyIntent, freshCarry, Journal, type Carry, type Session, type SessionView } from './session.js';

/** Namespace and service: given, else picked from searchable lists (namespaces only when several have services). */
async function askTarget(
  ctx: CommandContext,
  serviceArg: string | undefined,
): Promise<{ ctx: CommandContext; service: string; namespace?: string }> {
  if (serviceArg !== undefined || ctx.globals.namespace !== undefined) {
    return { ctx, service: await resolveService(ctx, serviceArg, 'rollout'), namespace: ctx.globals.namespace };
  }
  const client = await ctx.kube();
  let all: KnativeService[];
  try {
    all = await client.listServices({ allNamespaces: true });
  } catch {
    // Not allowed to list across namespaces: stay in the context's namespace.
    return { ctx, service: await resolveService(ctx, undefined, 'rollout') };
  }
  const namespaces = [...new Set(all.map((s) => s.metadata.namespace as string))].sort((a, b) =>
    a === client.namespace ? -1 : b === client.namespace ? 1 : a.localeCompare(b),
  );
  if (namespaces.length <= 1) return { ctx, service: await resolveService(ctx, undefined, 'rollout') };
  const count = (ns: string) => all.filter((s) => s.metadata.namespace === ns).length;
  const ns = await ctx
    .prompter()
    .search(ASK.namespace, (term) =>
      namespaces
        .filter((n) => !term || n.includes(term))
        .map((n) => ({ value: n, name: `${n} (${count(n)} service${count(n) === 1 ? '' : 's'})` })),
    );
  const target = ns === client.namespace ? ctx : contextWith(ctx, { namespace: ns });
  const names = all
    .filter((s) => s.metadata.namespace === ns)
    .map((s) => s.metadata.name)
    .sort();
  const service = await ctx
    .prompter()
    .search(ASK.service, (term) => names.filter((n) => !term || n.includes(term)).map((n) => ({ value: n })));
  return { ctx: target, service, namespace: ns === client.namespace ? undefined : ns };
}

function renderOpts(io: IOStreams, now: Date) {
  return {
    colors: io.colors().enabled ? io.colors() : undefined,
    unicode: io.unicodeEnabled(),
    maxWidth: io.terminalWidth(),
    relativeTimes: true,
    now,
  };
}

/** Plans, equivalent commands and URLs on stderr; prompts come from the traffic-step engine and the decisions. */
function wizardView(ctx: CommandContext, verifyIngress: string | undefined): SessionView {
  const { io } = ctx;
  const c = io.colors();
  return {
    announce(intent, command, svc) {
      io.err.write(`\n${c.bold(printable(narration(intent, svc)))}\n`);
      // Steps with a plan print their command next to it; verification has no plan.
      if (intent.kind === 'verify') io.err.write(c.muted(`Equivalent command: ${printable(command)}`) + '\n');
    },
    plan(plan, command, svc, revisions) {
      printPlan(io, plan, svc, revisions, 'err');
      printMessages(io, plan);
      io.err.write(c.muted(`Equivalent command: ${printable(command)}`) + '\n');
    },
    done(intent, outcome) {
      if (intent.kind !== 'stage' || outcome.result !== 'applied') return;
      const st = outcome.plan.state;
      const svc = outcome.service;
      const url = st ? tagUrl(svc, st.candidate.tag) : undefined;
      const p = (v: string | undefined) => printable(String(v));
      if (url)
        io.err.write(
          `${c.successIcon} ${p(st?.candidate.revision)} answers at ${c.accent(p(url))} ` +
            `(tag "${p(st?.candidate.tag)}")\n`,
        );
      const stableUrl = st ? tagUrl(svc, st.stable.tag) : undefined;
      if (stableUrl)
        io.err.write(
          `${c.successIcon} ${p(st?.stable.revision)} (stable) answers at ${c.accent(p(stableUrl))} ` +
            `(tag "${p(st?.stable.tag)}")\n`,
        );
      if (svc.status?.url)
        io.err.write(`  The main URL ${p(svc.status.url)} still serves ${p(st?.stable.revision)} only.\n`);
      const ingress = verifyIngress ?? io.env.BGCTL_INGRESS;
      if (url && ingress)
        io.err.write(c.muted(p(`  Try it: curl -H 'Host: ${new URL(url).host}' http://${ingress}/`)) + '\n');
    },
    note: (line) => void io.err.write(printable(line) + '\n'),
  };
}

/** `gated()`: the session the metric gates are judged with, once answered (wizard-gates.ts); else none. */
function wizardDecisions(s: Session, j: Journal, gated: () => Session | undefined): Decisions {
  const p = s.ctx.prompter();
  const io = s.ctx.io;
  return {
    async between(state, next) {
      if (!movesUserTraffic(next.kind)) return 'continue';
      const judged = gated();
      if (judged && state.phase === 'split') {
        // The level the candidate is at is judged before it moves on; a failure goes to gatesFailed.
        const { judgeLive } = await import('./wizard-gates.js');
        if ((await judgeLive(judged, j, state)).verdict === 'fail') return 'gates-failed';
        if (await p.confirm(ASK.gatesPassed, { default: true })) return 'continue-after-pause';
      }
      return askNext(p, state, next, s.service);
    },
    splitPercent: (_state, planned) => askPercent(p, planned),
    retire: (state) => askRetire(p, s.opts.retire, state, s.opts.previousTag ?? state.previousTag ?? 'previous'),
    verification: () => askVerify(p, s.opts.verify, s.opts.noVerify),
    verificationFailed: () =>
      p.select(ASK.verifyFailed, [
        { value: 'rollback' as const, name: 'Roll back: traffic stays on the stable revision, rollout closed' },
        { value: 'abort' as const, name: 'Abort the rollout' },
        { value: 'continue' as const, name: 'Continue anyway' },
        { value: 'stop' as const, name: 'Stop here and leave the rollout open' },
      ]),
    gatesFailed: () =>
      p.select(ASK.gatesFailed, [
        { value: 'rollback' as const, name: 'Roll back: all traffic to the stable revision, rollout closed' },
        { value: 'stop' as const, name: 'Stop here and leave the rollout open' },
      ]),
    async revisionFailed(err) {
      io.err.write(io.colors().fail(`${io.colors().failIcon} ${printable(err.message)}`) + '\n');
      return p.select(ASK.revisionFailed, [
        { value: 'abort' as const, name: 'Abort the rollout (traffic stays on the stable revision)' },
        { value: 'leave' as const, name: 'Leave it open (fix the template, then bgctl rollout --take-over)' },
      ]);
    },
    async drifted(_state, drift) {
      io.err.write(io.colors().warn(`${io.colors().warnIcon} ${printable(drift.message)}`) + '\n');
      return p.select(ASK.drifted, [
        { value: 'stop' as const, name: 'Stop: leave the traffic as it was set (the rollout stays open)' },
        { value: 'take-over' as const, name: 'Take over: continue the rollout from the traffic as it is now' },
      ]);
    },
  };
}

/** The new revision: deploy one (image, env, tag) or pick an idle one; returns the opening intent and the answers. */
async function askOpening(
  s: Session,
  svc: KnativeService,
  imageDefault: string | undefined,
): Promise<{ intent: Intent; opts: RolloutOptions }> {
  const p = s.ctx.prompter();
  const client = await s.ctx.kube();
  const revisions = await client.listRevisions(s.service);
  const idle = idleRevisions(svc, revisions);
  const o = s.opts;
  const preset = o.revision ? 'existing' : o.image !== undefined || o.env.length ? 'deploy' : undefined;
  const source = await askSource(p, preset, idle);
  if (source === 'existing') {
    const revision = await askRevision(p, o.revision, idle);
    const tag = await askTag(p, o.tag, s.service);
    const opts = { ...o, revision, tag };
    return { intent: openingIntent(opts, undefined), opts };
  }
  const image = await askImage(p, o.image, svc.spec.template.spec.containers[0]?.image, imageDefault);
  const envRaw = await askEnv(p, o.envRaw);
  const tag = await askTag(p, o.tag, s.service);
  const opts = { ...o, image, envRaw, env: parseEnvList(envRaw), tag };
  return { intent: openingIntent(opts, image), opts };
}

export interface WizardSettings {
  /** The image offered at the image question (the demo's next image); default the one deployed now. */
  imageDefault?: string;
  /** Enter at a step's confirmation says yes (the demo, where every default leads forward); default no. */
  confirmDefault?: boolean;
}

/** A step's "no": not a cancel (130 is Ctrl-C's) but a pause (exit 8) of an open rollout, or back to the start. */
class Declined extends PausedError {
  constructor() {
    super('the step was not made', { reason: 'Declined' });
  }
}

function openRollout(svc: KnativeService | undefined): RolloutState | undefined {
  const st = svc ? readState(svc).state : undefined;
  return st && isInProgress(st.phase) ? st : undefined;
}

/**
 * Pins traffic that follows the latest revision, asks for the new revision and opens the rollout; returns the session
 * as answered and what the opening step left, or undefined when the user quit after a "no".
 */
async function openWithQuestions(
  s: Session,
  j: Journal,
  first: { svc: KnativeService; carry: Carry },
  d: Decisions,
  w: WizardSettings,
): Promise<{ run: Session; carry: Carry } | undefined> {
  const { ctx } = s;
  let read = first;
  for (;;) {
    try {
      let carry = read.carry;
      if (isUnpinned(read.svc)) {
        ctx.io.err.write(
          ctx.io
            .colors()
            .warn(
              '\nTraffic follows the latest revision: a deploy now would send it all traffic as soon as it is Ready.',
            ) + '\nbgctl pins the current revision by name first, so the new one starts at 0%.\n',
        );
        carry = (await applyIntent(s, j, carry, { kind: 'pin' })).carry;
      }
      const fresh = await readService(s, j, carry);
      const opening = await askOpening(s, fresh.svc, w.imageDefault);
      // The rest of the run repeats the options as answered in its equivalent commands.
      const run: Session = { ...s, opts: opening.opts };
      return { run, carry: await startRollout(run, j, fresh.carry, d, opening.intent) };
    } catch (err) {
      if (!(err instanceof Declined) || openRollout(j.lastSeen)) throw err;
      if ((await askDeclined(ctx.prompter())) === 'quit') return undefined;
      // Back to the first question, on the service as it is now.
      read = await readService(s, j, { ...read.carry, known: undefined });
    }
  }
}

/** The error a "no" ends the wizard with: a pause of the open rollout (exit 8), resumable. */
function pausedByDecline(s: Session, j: Journal): PausedError | undefined {
  const st = openRollout(j.lastSeen);
  if (!st) return undefined;
  return new PausedError(
    `rollout ${st.id} of service "${s.service}" paused at phase ${st.phase}: the step was not made`,
    {
      reason: 'Paused',
      hint: resumeHint(s.service, s.namespace, true),
    },
  );
}

/** Runs the wizard (--resume: continues the open rollout); ends with traffic and URLs or a typed error (8, 130…). */
export async function runWizard(
  ctx: CommandContext,
  serviceArg: string | undefined,
  opts: RolloutOptions,
  w: WizardSettings = {},
): Promise<void> {
  const target = await askTarget(ctx, serviceArg);
  const s = newSession(target.ctx, target.service, opts, {
    view: wizardView(target.ctx, opts.verify.ingress),
    confirm: true,
    namespace: target.namespace,
    prompting: { onDecline: () => new Declined(), defaultAnswer: w.confirmDefault },
  });
  const j = new Journal();
  try {
    const first = await readService(s, j, freshCarry(opts));
    const svc = first.svc;
    const client = await s.ctx.kube();
    const revisions = await client.listRevisions(s.service);
    ctx.io.err.write(renderServiceStatus(serviceStatusView(svc, revisions), renderOpts(ctx.io, ctx.now())));
    const st = readState(svc).state;
    let gated: Session | undefined;
    const d = wizardDecisions(s, j, () => gated);
    // Before anything is written: whether and how metric gates judge the candidate (a Prometheus URL is known).
    const askGates = async () => {
      // Loaded only when gates could be offered: a Prometheus URL without gates given.
      if (opts.gates || (opts.prometheus === undefined && !ctx.io.env.BGCTL_PROMETHEUS_URL)) return;
      const { askMetricGates } = await import('./wizard-gates.js');
      gated = await askMetricGates(s, svc);
    };
    if (opts.resume) {
      // --resume: on from the recorded phase (refused when nothing is open); a drift is asked about before a step.
      const { state } = resumeIntent(svc, { verify: !opts.noVerify, takeOver: true });
      const adopt = opts.takeOver && driftError(svc, state, 'resume') ? { adoptTraffic: trafficKey(svc) } : {};
      await askGates();
      await driveRollout(s, j, { ...first.carry, recorded: state, ...adopt }, d);
    } else if (st && isInProgress(st.phase) && !opts.takeOver) {
      const choice = await askInProgress(ctx.prompter(), st);
      if (choice === 'quit') return;
      if (choice === 'rollback' || choice === 'abort')
        await applyIntent(s, j, first.carry, { kind: choice, rolloutId: st.id });
      else {
        await askGates();
        await driveRollout(s, j, { ...first.carry, recorded: st }, d);
      }
    } else {
      await askGates();
      const opened = await openWithQuestions(s, j, first, d, w);
      if (!opened) {
        ctx.io.err.write('No rollout was started.\n');
        return;
      }
      await driveRollout(opened.run, j, opened.carry, d);
    }
    const final = await client.getService(s.service);
    ctx.io.err.write('\n');
    await printResult(s, j, final, 'completed');
  } catch (err) {
    if (err instanceof Declined) {
      const paused = pausedByDecline(s, j);
      if (paused) throw paused;
      // Nothing open to pause (someone else closed it meanwhile): nothing more to do.
      ctx.io.err.write('The step was not made; no rollout is open.\n');
      return;
    }
    throw await withResumeHint(s, j, err);
  }
}
