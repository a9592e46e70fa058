// `bgctl analyze SERVICE`: reads the Service, asks Prometheus for every measure of every revision with traffic
// or a tag, judges the gates, and prints one Analysis. Writes nothing; prints nothing until every answer is in,
// so a refused query (exit 2) or an unreachable Prometheus (exit 7) leaves no half table behind.
import { VerificationError } from '../../core/errors.js';
import { PRESETS, pickPreset } from '../../core/gates/presets.js';
import { renderQuery } from '../../core/gates/query.js';
import { BUILTIN_MEASURES, isBuiltinMeasure } from '../../core/gates/types.js';
import { PrometheusClient } from '../../metrics/prometheus.js';
import { QUERY_CONCURRENCY, inPool } from '../../metrics/pool.js';
import { writeDocument } from '../../ui/document.js';
import { printable } from '../../ui/sanitize.js';
import type { CommandContext } from '../context.js';
import { resolveService } from '../service-arg.js';
import { analysisDocument, analysisRoles } from './analysis.js';
import type { AnalyzeOptions } from './options.js';
import { renderAnalysis } from './print.js';

export async function run(opts: AnalyzeOptions, ctx: CommandContext): Promise<void> {
  const { io, globals } = ctx;
  const service = await resolveService(ctx, opts.service, 'analyze');
  // Aborted on the first failed query too, so the queries still in flight or queued stop at once.
  const stop = new AbortController();
  const prom = new PrometheusClient({
    url: opts.prometheus,
    token: opts.token,
    signal: AbortSignal.any([ctx.signal, stop.signal]),
    trace: globals.verbose ? (line) => io.err.write(io.colors().muted(printable(line)) + '\n') : undefined,
  });
  const client = await ctx.kube();
  const svc = await client.getService(service);
  const roles = analysisRoles(svc);
  const namespace = svc.metadata.namespace ?? client.namespace;

  const presetName = opts.preset === 'auto' ? pickPreset(await prom.seriesNames()) : opts.preset;
  const preset = PRESETS[presetName];
  if (preset.latencyCaveat) io.err.write(io.colors().warn(`Warning: ${preset.latencyCaveat}`) + '\n');
  const templates: [string, string][] = [
    ...BUILTIN_MEASURES.map((m): [string, string] => [m, preset.queries[m]]),
    ...opts.gates.queries.map((q): [string, string] => [q.name, q.template]),
  ];
  const render = (template: string, revision: string) =>
    renderQuery(template, { namespace, service, revision, windowMs: opts.windowMs });

  // Custom PromQL first, once: a query Prometheus refuses is a usage error before the many queries run.
  const first = roles.rolloutCandidate ?? roles.judged[0]?.name ?? roles.revisions[0]?.name ?? `${service}-00001`;
  for (const q of opts.gates.queries) await prom.validate(render(q.template, first));

  const at = ctx.now();
  const values = new Map<string, Record<string, number | undefined>>();
  const jobs = roles.revisions.flatMap((r) => {
    values.set(r.name, {});
    return templates.map(([measure, template]) => async () => {
      const promql = render(template, r.name);
      (values.get(r.name) as Record<string, number | undefined>)[measure] = isBuiltinMeasure(measure)
        ? await prom.queryBuiltinValue(promql)
        : await prom.queryValue(promql);
    });
  });
  await inPool(jobs, QUERY_CONCURRENCY, stop);

  const doc = analysisDocument({
    svc,
    roles,
    values,
    gates: opts.gates,
    preset: presetName,
    requestSeries: preset.requestSeries,
    prometheus: prom.displayUrl,
    windowMs: opts.windowMs,
    at,
  });
  if (globals.output === 'table') io.out.write(renderAnalysis(doc, io));
  else writeDocument(io, globals.output, doc);

  if (doc.verdict === 'fail' && doc.gates.length === 0) {
    throw new VerificationError(`no gate could judge service "${service}": ${doc.message}`, {
      reason: 'InsufficientData',
      hint: `send traffic to a revision (bgctl status ${service}) or widen --window`,
    });
  }
  if (doc.verdict === 'fail') {
    const failed = doc.gates.filter((g) => g.verdict !== 'pass');
    throw new VerificationError(
      `${failed.length} gate${failed.length === 1 ? '' : 's'} failed on service "${service}": ` +
        failed.map((g) => g.message).join('; '),
      {
        reason: 'GatesFailed',
        hint: failed.some((g) => g.reason === 'InvalidData')
          ? 'Prometheus answered a value no traffic can have (negative): check its metrics and --metrics-preset'
          : failed.every((g) => g.reason === 'InsufficientData')
            ? 'too little traffic to judge: widen --window or send traffic to the revision'
            : `inspect the revision (bgctl revisions ${service}); to send traffic back: bgctl rollback ${service}`,
      },
    );
  }
}
