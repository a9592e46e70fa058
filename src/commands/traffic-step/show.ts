// How a traffic step shows itself: the plan (stderr before a confirmation, stdout for a dry run),
// re-plans after a conflict, and the outcome as a table or as one -o json|yaml document.
import type { KnativeService, Revision, TrafficTarget } from '../../core/knative-types.js';
import { buildServicePatch } from '../../core/patch.js';
import type { Plan } from '../../core/plan-types.js';
import { renderManifest, unrenderedChanges } from '../../core/render.js';
import { describeTemplateDifference } from '../../core/template-diff.js';
import { typed } from '../typed.js';
import { normalizeTraffic } from '../../core/traffic.js';
import { writeDocument } from '../../ui/document.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { printable } from '../../ui/sanitize.js';
import { printTraffic, printTrafficPlan, type Readiness } from '../../ui/traffic-table.js';
import type { CommandContext } from '../context.js';
import type { PreparedStep, StepOutcome } from './engine.js';
import { trafficChangeDocument, trafficPlanDocument } from './documents.js';

/** Ready status per revision name, for the READY column. */
export function readinessOf(revisions: Revision[]): Readiness {
  const out: Readiness = {};
  for (const r of revisions)
    out[r.metadata.name] = r.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
  return out;
}

/** Writes a finished line (already escaped and colored) on stderr. */
function note(io: IOStreams, line: string): void {
  io.err.write(typed(io, line) + '\n');
}

/** Notices ("Note: …") and warnings ("Warning: …") on stderr. */
export function printMessages(io: IOStreams, p: Plan): void {
  const c = io.colors();
  for (const n of p.notices) note(io, c.muted(`Note: ${printable(n)}`));
  for (const w of p.warnings) note(io, c.warn(`Warning: ${printable(w)}`));
}

/** A deploy's template: every difference from the serving revision, so a failed revision's setting is seen. */
function templateLines(p: Plan, svc: KnativeService): string[] {
  if (!p.template) return [];
  const diff = p.templateDiff ?? [];
  const serving = p.state?.stable.revision;
  if (diff.length === 0) return [`Template of ${p.service.name} changes; Knative creates a new revision`];
  const image = p.template.spec.containers[0]?.image;
  const heading = serving
    ? `Template of ${p.service.name} against the serving revision ${serving} (Knative creates a new revision):`
    : `Template of ${p.service.name} (Knative creates a new revision; ` +
      `image ${image ?? svc.spec.template?.spec?.containers?.[0]?.image}):`;
  return [heading, ...diff.map((d) => `  ${describeTemplateDifference(d)}`)];
}

/** The plan as a table with its heading: on stdout for a dry run, on stderr before a confirmation. */
export function printPlan(
  io: IOStreams,
  p: Plan,
  svc: KnativeService,
  revisions: Revision[],
  stream: 'out' | 'err',
): void {
  const heading = `Plan: ${p.kind} ${p.service.name} (namespace ${p.service.namespace ?? '?'})`;
  const say = (line: string) => void io[stream].write(printable(line) + '\n');
  say(heading);
  printTrafficPlan(io, p.before, p.desired, {
    stream,
    readiness: readinessOf(revisions),
    latestRevisionName: svc.status?.latestReadyRevisionName,
  });
  for (const line of templateLines(p, svc)) say(line);
  for (const d of p.deleteRevisions) say(`Delete revision ${d}`);
  for (const r of p.revisionAnnotations) {
    for (const [k, v] of Object.entries(r.annotations))
      say(v === null ? `Revision ${r.revision}: remove annotation ${k}` : `Revision ${r.revision}: annotate ${k}=${v}`);
  }
}

/** URL lines after a result: the service URL and every tag URL Knative reports. */
function urlLines(svc: KnativeService): string[] {
  const lines: string[] = [];
  if (svc.status?.url) lines.push(`URL: ${svc.status.url}`);
  return lines;
}

/** What a verb prints after the result table: lines computed from the outcome, and the command to run next. */
export interface OutcomeExtras {
  summary?: string[];
  /** Printed as `Next: …` on stderr (stdout carries results only). */
  next?: string;
  /** More fields of the -o json|yaml document (e.g. the gates' analysis of a split). */
  fields?: Record<string, unknown>;
}

/** The plan of a step that will ask and write, on stderr before its confirmation. */
export function printPlanToConfirm(io: IOStreams, step: PreparedStep): void {
  printPlan(io, step.plan, step.read.service, step.read.revisions, 'err');
  printMessages(io, step.plan);
}

/** Plans made again after a conflict: a line each, and the new traffic when it differs from the first plan's. */
export function printReplans(io: IOStreams, first: Plan, replans: StepOutcome['replans']): void {
  for (const { plan, attempt } of replans) {
    note(
      io,
      io
        .colors()
        .warn(
          `Service ${first.service.name} changed while bgctl was writing (attempt ${attempt}); ` +
            'planned again from the new state.',
        ),
    );
    if (JSON.stringify(plan.desired) !== JSON.stringify(first.desired)) {
      printTrafficPlan(io, plan.before, plan.desired, { stream: 'err' });
      printMessages(io, plan);
    }
  }
}

/**
 * --render: the Service manifest with the plan applied (YAML, JSON with -o json) or --render-patch: the JSON patch,
 * on stdout; on stderr the plan's messages and the Revision writes a manifest cannot carry.
 */
function printRendered(ctx: CommandContext, outcome: StepOutcome): void {
  const { io, globals } = ctx;
  const p = outcome.plan;
  if (outcome.render === 'patch') io.out.write(JSON.stringify(buildServicePatch(outcome.planned, p), null, 2) + '\n');
  else writeDocument(io, globals.output === 'json' ? 'json' : 'yaml', { ...renderManifest(outcome.planned, p) });
  printMessages(io, p);
  for (const line of unrenderedChanges(p))
    note(io, io.colors().muted(printable(`Note: not in the rendered Service (bgctl writes it itself): ${line}`)));
  note(io, `Rendered ${p.kind} of ${p.service.name}: nothing was changed in the cluster.`);
}

/** Prints a finished step: table and URLs on stdout (or one document), messages on stderr. */
export function printOutcome(ctx: CommandContext, outcome: StepOutcome, extras: OutcomeExtras = {}): void {
  const { io, globals } = ctx;
  const p = outcome.plan;
  const machine = globals.output !== 'table' ? globals.output : undefined;
  if (outcome.result === 'rendered') return printRendered(ctx, outcome);
  if (outcome.result === 'dry-run' || outcome.result === 'server-dry-run') {
    if (machine) writeDocument(io, machine, trafficPlanDocument(outcome));
    // A server dry run's outcome.service is the server's answer: compare the template with the planned-on Service.
    else printPlan(io, p, outcome.planned, outcome.revisions, 'out');
    printMessages(io, p);
    note(
      io,
      outcome.result === 'server-dry-run'
        ? 'Server dry run: the API server accepted the change (dryRun=All); nothing was stored.'
        : 'Dry run: nothing was changed.',
    );
    return;
  }
  if (outcome.result === 'noop') {
    printMessages(io, p);
    note(io, `Nothing to do: service ${p.service.name} is already as ${p.kind} would leave it.`);
    if (machine) writeDocument(io, machine, trafficChangeDocument(outcome));
    return;
  }
  if (machine) {
    writeDocument(io, machine, { ...trafficChangeDocument(outcome), ...extras.fields });
    return;
  }
  const svc = outcome.service;
  // Without waiting, status.traffic may still show the old split: print what was written instead.
  const shown: TrafficTarget[] =
    outcome.waited && svc.status?.traffic?.length ? svc.status.traffic : normalizeTraffic(svc.spec.traffic);
  printTraffic(io, shown, {
    readiness: readinessOf(outcome.revisions),
    latestRevisionName: svc.status?.latestReadyRevisionName,
  });
  const lines = [...urlLines(svc), ...(extras.summary ?? [])];
  if (lines.length) io.out.write('\n' + lines.map(printable).join('\n') + '\n');
  if (!outcome.waited)
    note(io, `Not waiting: Knative applies the change in the background (see bgctl status ${p.service.name}).`);
  if (extras.next) note(io, io.colors().muted(printable(`Next: ${extras.next}`)));
}
