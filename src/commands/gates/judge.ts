// What a writing verb needs to judge gates: the Prometheus client, the preset in use, and one measurement of a
// revision. Built once per run, before anything is written, so a bad query or preset is exit 2 and an unreachable
// Prometheus exit 7 with the service untouched.
import type { GateSet } from '../../core/gates/file.js';
import { PRESETS, pickPreset, type PresetName } from '../../core/gates/presets.js';
import { renderQuery } from '../../core/gates/query.js';
import { isBuiltinMeasure } from '../../core/gates/types.js';
import { PrometheusClient } from '../../metrics/prometheus.js';
import { QUERY_CONCURRENCY, inPool } from '../../metrics/pool.js';
import { printable } from '../../ui/sanitize.js';
import type { CommandContext } from '../context.js';
import type { GateSettings } from '../gate-flags.js';

export interface GateJudge {
  readonly settings: GateSettings;
  readonly gates: GateSet;
  readonly prom: PrometheusClient;
  readonly preset: PresetName;
  /** The request series of the preset, named when data is missing. */
  readonly requestSeries: string;
  readonly namespace: string;
  readonly service: string;
  /** Prometheus queries made so far (for the benchmark's queries per evaluation). */
  queries: number;
}

/** Connects to Prometheus, resolves `auto`, and runs every custom query once (a refused one is a usage error). */
export async function openGateJudge(
  ctx: CommandContext,
  settings: GateSettings,
  where: { namespace: string; service: string; revision: string },
): Promise<GateJudge> {
  const { io, globals } = ctx;
  const prom = new PrometheusClient({
    url: settings.prometheus,
    token: settings.token,
    signal: ctx.signal,
    trace: globals.verbose ? (line) => io.err.write(io.colors().muted(printable(line)) + '\n') : undefined,
  });
  const preset = settings.preset === 'auto' ? pickPreset(await prom.seriesNames()) : settings.preset;
  const judge: GateJudge = {
    settings,
    gates: settings.gates,
    prom,
    preset,
    requestSeries: PRESETS[preset].requestSeries,
    namespace: where.namespace,
    service: where.service,
    queries: 0,
  };
  for (const q of settings.gates.queries) {
    judge.queries++;
    await prom.validate(render(judge, q.template, where.revision, 60_000));
  }
  return judge;
}

function render(judge: GateJudge, template: string, revision: string, windowMs: number): string {
  return renderQuery(template, { namespace: judge.namespace, service: judge.service, revision, windowMs });
}

/** The values of `measures` for one revision over the last `windowMs`; a measure without data is undefined. */
export async function measure(
  judge: GateJudge,
  revision: string,
  measures: readonly string[],
  windowMs: number,
): Promise<Record<string, number | undefined>> {
  const values: Record<string, number | undefined> = {};
  const custom = new Map(judge.gates.queries.map((q) => [q.name, q.template]));
  const jobs = measures.map((m) => async () => {
    judge.queries++;
    if (isBuiltinMeasure(m)) {
      values[m] = await judge.prom.queryBuiltinValue(
        render(judge, PRESETS[judge.preset].queries[m], revision, windowMs),
      );
    } else {
      values[m] = await judge.prom.queryValue(render(judge, custom.get(m) as string, revision, windowMs));
    }
  });
  await inPool(jobs, QUERY_CONCURRENCY, new AbortController());
  return values;
}
