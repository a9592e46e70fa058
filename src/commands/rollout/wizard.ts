// The interactive rollout: pick the service, see where it stands, then walk deploy → stage →
// verify → split → promote with a plan, the equivalent command and a confirmation before each
// change. Decisions come from prompts; the phase loop and every write are the pipeline's.
import type { KnativeService } from '../../core/knative-types.js';
import { movesUserTraffic } from '../../core/phase-table.js';
import type { Intent } from '../../core/plan-types.js';
import { parseEnvList } from '../../core/parse.js';
import { isInProgress, readState } from '../../core/state.js';
import { isUnpinned } from '../../core/traffic.js';
import { serviceStatusView } from '../../core/view-read.js';
import { tagUrl } from '../../core/view.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { printable } from '../../ui/sanitize.js';
import type { CommandContext } from '../context.js';
import { renderServiceStatus } from '../read-views/read-print.js';
import { resolveService } from '../service-arg.js';
import { printMessages, printPlan } from '../traffic-step/show.js';
import { askEnv, askImage, askInProgress, askNext, askPercent, askRetire, askRevision, askSource, askTag, askVerify, idleRevisions, ASK } from './ask.js';
import { contextWith } from './context.js';
import { driveRollout, readService, startRollout, withResumeHint, type Decisions } from './driver.js';
import { narration } from './narrate.js';
import type { RolloutOptions } from './options.js';
import { newSession, openingIntent } from './pipeline.js';
import { printResult } from './result.js';
import { applyIntent, freshCarry, Journal, type Session, type SessionView } from './session.js';

/** Namespace and service: given, else picked from searchable lists (namespaces only when several have services). */
async function askTarget(ctx: CommandContext, serviceArg: string | undefined): Promise<{ ctx: CommandContext; service: string; namespace?: string }> {
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
  const namespaces = [...new Set(all.map((s) => s.metadata.namespace as string))].sort((a, b) => (a === client.namespace ? -1 : b === client.namespace ? 1 : a.localeCompare(b)));
  if (namespaces.length <= 1) return { ctx, service: await resolveService(ctx, undefined, 'rollout') };
  const count = (ns: string) => all.filter((s) => s.metadata.namespace === ns).length;
  const ns = await ctx.prompter().search(ASK.namespace, (term) =>
    namespaces.filter((n) => !term || n.includes(term)).map((n) => ({ value: n, name: `${n} (${count(n)} service${count(n) === 1 ? '' : 's'})` })),
  );
  const target = ns === client.namespace ? ctx : contextWith(ctx, { namespace: ns });
  const names = all.filter((s) => s.metadata.namespace === ns).map((s) => s.metadata.name).sort();
  const service = await ctx.prompter().search(ASK.service, (term) => names.filter((n) => !term || n.includes(term)).map((n) => ({ value: n })));
  return { ctx: target, service, namespace: ns === client.namespace ? undefined : ns };
}

function renderOpts(io: IOStreams, now: Date) {
  return { colors: io.colors().enabled ? io.colors() : undefined, unicode: io.unicodeEnabled(), maxWidth: io.terminalWidth(), relativeTimes: true, now };
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
      if (url) io.err.write(`${c.successIcon} ${p(st?.candidate.revision)} answers at ${c.accent(p(url))} (tag "${p(st?.candidate.tag)}")\n`);
      const stableUrl = st ? tagUrl(svc, st.stable.tag) : undefined;
      if (stableUrl) io.err.write(`${c.successIcon} ${p(st?.stable.revision)} (stable) answers at ${c.accent(p(stableUrl))} (tag "${p(st?.stable.tag)}")\n`);
      if (svc.status?.url) io.err.write(`  The main URL ${p(svc.status.url)} still serves ${p(st?.stable.revision)} only.\n`);
      const ingress = verifyIngress ?? io.env.BGCTL_INGRESS;
      if (url && ingress) io.err.write(c.muted(p(`  Try it: curl -H 'Host: ${new URL(url).host}' http://${ingress}/`)) + '\n');
    },
    note: (line) => void io.err.write(printable(line) + '\n'),
  };
}

function wizardDecisions(s: Session): Decisions {
  const p = s.ctx.prompter();
  const io = s.ctx.io;
  return {
    async between(state, next) {
      if (!movesUserTraffic(next.kind)) return 'continue';
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

/** The new revision: deploy one (image, env, tag) or pick an idle one; returns the opening intent and the options as answered. */
async function askOpening(s: Session, svc: KnativeService): Promise<{ intent: Intent; opts: RolloutOptions }> {
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
  const image = await askImage(p, o.image, svc.spec.template.spec.containers[0]?.image);
  const envRaw = await askEnv(p, o.envRaw);
  const tag = await askTag(p, o.tag, s.service);
  const opts = { ...o, image, envRaw, env: parseEnvList(envRaw), tag };
  return { intent: openingIntent(opts, image), opts };
}

/** Runs the wizard; ends with the traffic and URLs, or a typed error (8 paused, 130 cancelled…). */
export async function runWizard(ctx: CommandContext, serviceArg: string | undefined, opts: RolloutOptions): Promise<void> {
  const target = await askTarget(ctx, serviceArg);
  const s = newSession(target.ctx, target.service, opts, { view: wizardView(target.ctx, opts.verify.ingress), confirm: true, namespace: target.namespace });
  const j = new Journal();
  try {
    const first = await readService(s, j, freshCarry(opts));
    const svc = first.svc;
    const client = await s.ctx.kube();
    const revisions = await client.listRevisions(s.service);
    ctx.io.err.write(renderServiceStatus(serviceStatusView(svc, revisions), renderOpts(ctx.io, ctx.now())));
    const st = readState(svc).state;
    const d = wizardDecisions(s);
    if (st && isInProgress(st.phase) && !opts.takeOver) {
      const choice = await askInProgress(ctx.prompter(), st);
      if (choice === 'quit') return;
      if (choice === 'rollback' || choice === 'abort') await applyIntent(s, j, first.carry, { kind: choice, rolloutId: st.id });
      else await driveRollout(s, j, { ...first.carry, recorded: st }, d);
    } else {
      let carry = first.carry;
      if (isUnpinned(svc)) {
        ctx.io.err.write(
          ctx.io.colors().warn('\nTraffic follows the latest revision: a deploy now would send it all traffic as soon as it is Ready.') +
            '\nbgctl pins the current revision by name first, so the new one starts at 0%.\n',
        );
        carry = (await applyIntent(s, j, carry, { kind: 'pin' })).carry;
      }
      const fresh = await readService(s, j, carry);
      const opening = await askOpening(s, fresh.svc);
      // The rest of the run repeats the options as answered in its equivalent commands.
      const run: Session = { ...s, opts: opening.opts };
      await driveRollout(run, j, await startRollout(run, j, fresh.carry, d, opening.intent), d);
    }
    const final = await client.getService(s.service);
    ctx.io.err.write('\n');
    await printResult(s, j, final, 'completed');
  } catch (err) {
    throw await withResumeHint(s, j, err);
  }
}
