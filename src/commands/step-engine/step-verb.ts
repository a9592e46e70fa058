// What every step verb does around runStep: read the write flags strictly, resolve SERVICE, show the
// plan (stderr before a confirmation, stdout for a dry run), and print the outcome as a table or as
// one -o json|yaml document. The verbs only parse their own flags and build the intent.
import { UsageError } from '../../core/errors.js';
import type { KnativeService, Revision, TrafficTarget } from '../../core/knative-types.js';
import type { Intent, Plan } from '../../core/plan-types.js';
import { parseDuration } from '../../core/parse.js';
import { normalizeTraffic } from '../../core/traffic.js';
import { writeDocument } from '../../ui/document.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { printable } from '../../ui/sanitize.js';
import { printTraffic, printTrafficPlan, type Readiness } from '../../ui/traffic-table.js';
import type { CommandContext } from '../context.js';
import { runStep, type StepOutcome, type WriteFlags } from './step.js';
import { trafficChangeDocument, trafficPlanDocument } from './step-documents.js';
import { resolveService } from '../service-arg.js';

/** What a verb hands to runStepVerb once its own flags are parsed. */
export interface StepVerb {
  intent: Intent;
  question: (plan: Plan) => string;
  /** Lines printed after the result table (e.g. stage's tag URLs). */
  summary?: (outcome: StepOutcome) => string[];
  /** The command to run next, printed as `Next: …` on stderr (stdout carries results only). */
  next?: (outcome: StepOutcome) => string | undefined;
}

/** --dry-run, --yes, --wait/--no-wait, --timeout from commander's options, validated before any request. */
export function writeFlags(opts: Record<string, any>): WriteFlags {
  const dry = opts.dryRun === true ? 'client' : opts.dryRun;
  if (dry !== undefined && dry !== 'client' && dry !== 'server') {
    throw new UsageError(`invalid value "${dry}" for --dry-run: use --dry-run or --dry-run=server`, { reason: 'InvalidDryRun' });
  }
  const timeout = typeof opts.timeout === 'string' ? opts.timeout : '5m';
  parseDuration(timeout, '--timeout');
  return { dryRun: dry, yes: opts.yes === true, wait: opts.wait !== false, timeout };
}

/** Ready status per revision name, for the READY column. */
export function readinessOf(revisions: Revision[]): Readiness {
  const out: Readiness = {};
  for (const r of revisions) out[r.metadata.name] = r.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
  return out;
}

/** Writes a finished line (already escaped and colored) on stderr. */
function note(io: IOStreams, line: string): void {
  io.err.write(line + '\n');
}

/** Notices ("Note: …") and warnings ("Warning: …") on stderr. */
export function printMessages(io: IOStreams, p: Plan): void {
  const c = io.colors();
  for (const n of p.notices) note(io, c.muted(`Note: ${printable(n)}`));
  for (const w of p.warnings) note(io, c.warn(`Warning: ${printable(w)}`));
}

function templateLine(p: Plan, svc: KnativeService): string | undefined {
  if (!p.template) return undefined;
  const from = svc.spec.template?.spec?.containers?.[0]?.image;
  const to = p.template.spec.containers[0]?.image;
  return from === to ? `Template of ${p.service.name} changes (image stays ${to}); Knative creates a new revision` : `Image of ${p.service.name}: ${from} -> ${to} (Knative creates a new revision)`;
}

/** The plan as a table with its heading: on stdout for a dry run, on stderr before a confirmation. */
export function printPlan(io: IOStreams, p: Plan, svc: KnativeService, revisions: Revision[], stream: 'out' | 'err'): void {
  const heading = `Plan: ${p.kind} ${p.service.name} (namespace ${p.service.namespace ?? '?'})`;
  const say = (line: string) => void io[stream].write(printable(line) + '\n');
  say(heading);
  printTrafficPlan(io, p.before, p.desired, { stream, readiness: readinessOf(revisions), latestRevisionName: svc.status?.latestReadyRevisionName });
  const t = templateLine(p, svc);
  if (t) say(t);
  for (const d of p.deleteRevisions) say(`Delete revision ${d}`);
  for (const r of p.revisionAnnotations) {
    for (const [k, v] of Object.entries(r.annotations)) say(v === null ? `Revision ${r.revision}: remove annotation ${k}` : `Revision ${r.revision}: annotate ${k}=${v}`);
  }
}

/** URL lines after a result: the service URL and every tag URL Knative reports. */
function urlLines(svc: KnativeService): string[] {
  const lines: string[] = [];
  if (svc.status?.url) lines.push(`URL: ${svc.status.url}`);
  return lines;
}

/**
 * Prints a finished step: table and URLs on stdout (or one document), messages on stderr.
 * `planned` is the Service the plan was made from: a server dry run's outcome.service is what the
 * server returned for the patch, so the template line must compare against the read object instead.
 */
export function printOutcome(ctx: CommandContext, verb: StepVerb, outcome: StepOutcome, planned: KnativeService = outcome.service): void {
  const { io, globals } = ctx;
  const p = outcome.plan;
  const machine = globals.output !== 'table' ? globals.output : undefined;
  if (outcome.result === 'dry-run' || outcome.result === 'server-dry-run') {
    if (machine) writeDocument(io, machine, trafficPlanDocument(outcome));
    else printPlan(io, p, planned, outcome.revisions, 'out');
    printMessages(io, p);
    note(io, outcome.result === 'server-dry-run' ? 'Server dry run: the API server accepted the change (dryRun=All); nothing was stored.' : 'Dry run: nothing was changed.');
    return;
  }
  if (outcome.result === 'noop') {
    printMessages(io, p);
    note(io, `Nothing to do: service ${p.service.name} is already as ${p.kind} would leave it.`);
    if (machine) writeDocument(io, machine, trafficChangeDocument(outcome));
    return;
  }
  if (machine) {
    writeDocument(io, machine, trafficChangeDocument(outcome));
    return;
  }
  const svc = outcome.service;
  // Without waiting, status.traffic may still show the old split: print what was written instead.
  const shown: TrafficTarget[] = outcome.waited && svc.status?.traffic?.length ? svc.status.traffic : normalizeTraffic(svc.spec.traffic);
  printTraffic(io, shown, { readiness: readinessOf(outcome.revisions), latestRevisionName: svc.status?.latestReadyRevisionName });
  const lines = [...urlLines(svc), ...(verb.summary?.(outcome) ?? [])];
  if (lines.length) io.out.write('\n' + lines.map(printable).join('\n') + '\n');
  if (!outcome.waited) note(io, `Not waiting: Knative applies the change in the background (see bgctl status ${p.service.name}).`);
  const next = verb.next?.(outcome);
  if (next) note(io, io.colors().muted(printable(`Next: ${next}`)));
}

/** Runs one step verb end to end: resolve SERVICE (then the verb's own prompts), plan, show, confirm, write, wait, print. */
export async function runStepVerb(
  ctx: CommandContext,
  verbName: string,
  serviceArg: string | undefined,
  flags: WriteFlags,
  build: StepVerb | ((service: string) => StepVerb | Promise<StepVerb>),
): Promise<StepOutcome> {
  const service = await resolveService(ctx, serviceArg, verbName);
  // Values still missing are asked for after the service is known (and before anything is read).
  const verb = typeof build === 'function' ? await build(service) : build;
  const { io } = ctx;
  let firstDesired: string | undefined;
  let planned: KnativeService | undefined;
  const outcome = await runStep(ctx, {
    service,
    intent: verb.intent,
    flags,
    question: verb.question,
    onPlan: (p, svc, revisions) => {
      firstDesired = JSON.stringify(p.desired);
      planned = svc;
      if (p.noop || flags.dryRun) return;
      printPlan(io, p, svc, revisions, 'err');
      printMessages(io, p);
    },
    onReplan: (p, attempt) => {
      note(io, io.colors().warn(`Service ${service} changed while bgctl was writing (attempt ${attempt}); planned again from the new state.`));
      if (JSON.stringify(p.desired) !== firstDesired) {
        printTrafficPlan(io, p.before, p.desired, { stream: 'err' });
        printMessages(io, p);
      }
    },
  });
  printOutcome(ctx, verb, outcome, planned);
  return outcome;
}
