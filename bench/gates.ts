// Metric gates (issue 13): how fast a failing candidate is rolled back, and how many Prometheus queries one
// evaluation costs. A real Prometheus (from PATH) scrapes the playground every second while the playground sends
// load to the services; without the binary the suites are skipped with a message.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { StateAnnotations } from '../src/core/state.js';
import { findPrometheusOnPath, launchPrometheus, PROMETHEUS_INSTALL_HINT } from '../src/metrics/launch.js';
import { median, runChecked, runOnce, type Cmd, type Sample } from './measure.js';
import { newCase, type CaseStats, type SuiteResult } from './results.js';
import { createReadyService } from './sim.js';
import { BENCH_ROOT, type SuiteOptions } from './suites.js';

const SCRAPE_S = 1;
const GATE_INTERVAL_S = 2;
const LOAD_RPS = 20;
const IMAGE = 'ghcr.io/bgctl/hello:v2';

type Playground = Awaited<ReturnType<typeof import('../src/sim/playground.js').startPlayground>>;

interface GateBench {
  pg: Playground;
  prometheus: string;
}

const rollout = (b: GateBench, label: string, svc: string, ...args: string[]): Cmd => ({
  label,
  file: process.execPath,
  args: [join(BENCH_ROOT, 'bin', 'bgctl.js'), 'rollout', svc, '--image', IMAGE, '--no-verify', ...args, '--yes'],
  node: true,
  env: { KUBECONFIG: b.pg.kubeconfigPath, BGCTL_ACTOR: 'bench', BGCTL_PROMETHEUS_URL: b.prometheus },
});

/** A Ready service under load, whose first revision Prometheus has seen answering. */
async function loadedService(b: GateBench, name: string): Promise<void> {
  await createReadyService(b.pg, name);
  b.pg.load.set('default', name, LOAD_RPS);
  const q = encodeURIComponent(`sum(kn_serving_invocation_duration_seconds_count{kn_revision_name="${name}-00001"})`);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const body = (await (await fetch(`${b.prometheus}/api/v1/query?query=${q}`)).json()) as {
      data: { result: Array<{ value: [number, string] }> };
    };
    if (Number(body.data.result[0]?.value[1] ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Prometheus did not see ${name}-00001 answer within 30s`);
}

/** performance.now() of the first write of `service` whose phase annotation is `phase`. */
function phaseWritten(b: GateBench, service: string, phases: string[]): { at: Map<string, number>; stop(): void } {
  const at = new Map<string, number>();
  const stop = b.pg.registry.onChange((ev) => {
    if (ev.resource.plural !== 'services' || ev.object.metadata.name !== service) return;
    const phase = ev.object.metadata.annotations?.[StateAnnotations.phase];
    if (phase && phases.includes(phase) && !at.has(phase)) at.set(phase, performance.now());
  });
  return { at, stop };
}

/** From the split's write to the rollback's write, for a candidate answering 5xx to every request. */
async function rollbackSuite(b: GateBench, opts: SuiteOptions): Promise<SuiteResult> {
  const c = newCase(`bgctl rollout, candidate answering 5xx (--gate-interval ${GATE_INTERVAL_S}s)`);
  const delays: number[] = [];
  const evaluations: number[] = [];
  const rounds = { warmup: 1, rounds: Math.max(3, Math.ceil(opts.rounds / 3)) };
  for (let i = 0; i < rounds.warmup + rounds.rounds; i++) {
    const svc = `gate-fail-${i}`;
    await loadedService(b, svc);
    const watch = phaseWritten(b, svc, ['split', 'rolled-back']);
    let s: Sample;
    try {
      s = await runChecked(
        rollout(
          b,
          'rollout',
          svc,
          '--annotation',
          'sim.bgctl.dev/error-rate=1',
          '--pause',
          '10m',
          '--gate-interval',
          `${GATE_INTERVAL_S}s`,
          '--gate',
          'error-rate<2%',
          '-o',
          'json',
        ),
        3,
      );
    } finally {
      watch.stop();
      b.pg.load.set('default', svc, 0);
    }
    const split = watch.at.get('split');
    const back = watch.at.get('rolled-back');
    if (split === undefined || back === undefined) throw new Error(`${svc}: no split or no rollback was written`);
    if (i < rounds.warmup) continue;
    delays.push(back - split);
    evaluations.push(JSON.parse(s.stdout).analysis[0].evaluations);
    c.wallMs.push(s.wallMs);
    c.cpuMs.push(s.cpuMs);
    c.maxRssMb.push(s.maxRssMb ?? NaN);
  }
  const targetMs = (2 * GATE_INTERVAL_S + SCRAPE_S) * 1000;
  return {
    name: 'gate-rollback',
    title: 'Metric gates: a failing candidate, from the split to the rollback',
    cases: [c],
    pairs: [],
    limits: [
      {
        what: 'median split -> rollback (2 gate intervals + 1 scrape)',
        value: median(delays),
        unit: 'ms',
        limit: targetMs,
      },
      { what: 'worst split -> rollback', value: Math.max(...delays), unit: 'ms', limit: targetMs },
    ],
    notes: [
      `Split -> rollback (ms), one per round: ${delays.map((d) => d.toFixed(0)).join(', ')}; evaluations before ` +
        `the rollback: ${evaluations.join(', ')}. Both moments are the playground's registry writes of the service ` +
        `(its ${StateAnnotations.phase} annotation), seen in the bench process. Prometheus scrapes every ` +
        `${SCRAPE_S}s; the playground sends ${LOAD_RPS} requests/s, half of them to the candidate once split, ` +
        'all answered 500 (sim.bgctl.dev/error-rate=1). ' +
        'Wall time is the whole rollout process: deploy, stage, split, judge, roll back.',
    ],
  };
}

interface QueryCase {
  label: string;
  args: string[];
}

const CUSTOM_QUERY =
  'errs=sum(rate(kn_serving_invocation_duration_seconds_count{kn_revision_name="{{revision}}",' +
  'http_response_status_code=~"5.."}[{{window}}])) or vector(0)';

const QUERY_CASES: QueryCase[] = [
  { label: 'absolute gates only', args: ['--gate', 'error-rate<2%', '--gate', 'latency-p95<500ms'] },
  { label: 'relative gates', args: ['--gate', 'error-rate<=stable+1%', '--gate', 'latency-p95<=stable*2'] },
  {
    label: 'absolute gate + custom query',
    args: ['--gate', 'error-rate<2%', '--gate-query', CUSTOM_QUERY, '--gate', 'errs<0.5'],
  },
];

/** The flags as a table cell, the custom query shortened to its name. */
const shownFlags = (args: string[]): string =>
  args.map((a, i) => (i % 2 === 0 ? a : a === CUSTOM_QUERY ? "'errs=…'" : `'${a}'`)).join(' ');

/** Prometheus queries per evaluation, from the RolloutResult's analysis window, for three kinds of gate sets. */
async function queriesSuite(b: GateBench): Promise<SuiteResult> {
  const cases: CaseStats[] = [];
  const rows: string[] = [];
  let n = 0;
  for (const qc of QUERY_CASES) {
    const svc = `gate-queries-${n++}`;
    await loadedService(b, svc);
    let s: Sample;
    try {
      s = await runOnce(rollout(b, qc.label, svc, '--pause', '4s', '--gate-interval', '1s', ...qc.args, '-o', 'json'));
    } finally {
      b.pg.load.set('default', svc, 0);
    }
    const doc = JSON.parse(s.stdout);
    const w = doc.analysis?.[0];
    if (!w) throw new Error(`${qc.label}: no analysis window (exit ${s.code})\n${s.stderr}`);
    const c = newCase(qc.label);
    c.wallMs.push(s.wallMs);
    c.cpuMs.push(s.cpuMs);
    c.maxRssMb.push(s.maxRssMb ?? NaN);
    cases.push(c);
    rows.push(`| ${qc.label} | ${shownFlags(qc.args)} | ${w.queriesPerEvaluation} | ${w.evaluations} | ${w.verdict} |`);
  }
  return {
    name: 'gate-queries',
    title: 'Metric gates: Prometheus queries per evaluation',
    cases,
    pairs: [],
    limits: [],
    notes: [
      ['| gate set | flags | queries per evaluation | evaluations | verdict |', '|---|---|---|---|---|', ...rows].join(
        '\n',
      ),
      'One rollout per gate set (--pause 4s, --gate-interval 1s, healthy candidate at 50%); ' +
        'the count is exact, so one run is enough. Before the first write each run also asks for the series ' +
        'names once (--metrics-preset auto) and runs every custom query once to check it. ' +
        `The custom query: \`${CUSTOM_QUERY}\`.`,
    ],
  };
}

/** Both gate suites on one playground and one Prometheus; undefined (after a message) without prometheus on PATH. */
export async function gateSuites(opts: SuiteOptions, which: Set<string>): Promise<SuiteResult[] | undefined> {
  const bin = findPrometheusOnPath(process.env.PATH);
  if (!bin) {
    process.stderr.write(`skipped the gate suites: no prometheus on PATH (${PROMETHEUS_INSTALL_HINT})\n`);
    return undefined;
  }
  const { startPlayground } = await import('../src/sim/playground.js');
  const pg = await startPlayground({});
  try {
    const prom = await launchPrometheus({ bin, targets: [pg.metrics], scrapeIntervalS: SCRAPE_S });
    try {
      const b: GateBench = { pg, prometheus: prom.url };
      const out: SuiteResult[] = [];
      if (which.has('gate-rollback')) out.push(await rollbackSuite(b, opts));
      if (which.has('gate-queries')) out.push(await queriesSuite(b));
      return out;
    } finally {
      await prom.stop();
    }
  } finally {
    await pg.stop();
  }
}
