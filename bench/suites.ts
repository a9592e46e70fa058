// The benchmark cases of issue 5. Every suite alternates the commands it compares, round by round,
// after unrecorded warm-up rounds; request figures come from the playground's /sim/v1/requests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, median, runChecked, runOnce, type Cmd, type Sample } from './measure.js';
import { newCase, type CaseStats, type SuiteResult } from './results.js';
import { createReadyService, onReady, requestLog, sim, type BenchCluster, type LoggedRequest } from './sim.js';

/** The CLI under test: a private build (bench/main.ts builds it) so concurrent rebuilds of dist/ do not interfere. */
export const BENCH_ROOT = fileURLToPath(new URL('../.tmp/bench/', import.meta.url));
const BIN = join(BENCH_ROOT, 'bin', 'bgctl.js');
const KUBECTL_SCRIPT = fileURLToPath(new URL('./kubectl-rollout.sh', import.meta.url));
const NODE = process.execPath;

/** How many rounds to run; kubectl is optional (its cases are skipped without it). */
export interface SuiteOptions {
  warmup: number;
  rounds: number;
  kubectl?: string;
}

const bgctl = (label: string, c: BenchCluster | undefined, ...args: string[]): Cmd => ({
  label,
  file: NODE,
  args: [BIN, ...args],
  node: true,
  env: c ? { KUBECONFIG: c.kubeconfigPath, BGCTL_ACTOR: 'bench' } : {},
});

/** kubectl with its own discovery cache, warmed by the warm-up rounds (the case most favourable to kubectl). */
function kubectl(label: string, path: string, c: BenchCluster, cacheDir: string, ...args: string[]): Cmd {
  return { label, file: path, args, env: { KUBECONFIG: c.kubeconfigPath, KUBECACHEDIR: cacheDir } };
}

function record(stats: CaseStats, s: Sample, requests?: number): void {
  stats.wallMs.push(s.wallMs);
  stats.cpuMs.push(s.cpuMs);
  stats.maxRssMb.push(s.maxRssMb ?? NaN);
  if (requests !== undefined) stats.requests.push(requests);
}

/** Runs alternating single commands and collects their samples. */
async function compareCommands(cmds: Cmd[], opts: SuiteOptions): Promise<CaseStats[]> {
  const stats = new Map(cmds.map((c) => [c.label, newCase(c.label)]));
  await alternate(
    cmds,
    async (cmd, round) => {
      const s = await runChecked(cmd);
      if (round >= 0) record(stats.get(cmd.label)!, s);
    },
    opts,
  );
  return [...stats.values()];
}

/** `node -e 0` against `bgctl --version` and `bgctl --help`. */
export async function startupSuite(opts: SuiteOptions): Promise<SuiteResult> {
  const node0: Cmd = { label: 'node -e 0', file: NODE, args: ['-e', '0'], node: true };
  const cases = await compareCommands(
    [node0, bgctl('bgctl --version', undefined, '--version'), bgctl('bgctl --help', undefined, '--help')],
    opts,
  );
  return {
    name: 'startup',
    title: 'Start-up: --version and --help against node -e 0',
    cases,
    pairs: [
      { a: 'bgctl --version', b: 'node -e 0', metric: 'wallMs', target: 1.3 },
      { a: 'bgctl --help', b: 'node -e 0', metric: 'wallMs', target: 1.3 },
      { a: 'bgctl --version', b: 'node -e 0', metric: 'cpuMs' },
      { a: 'bgctl --help', b: 'node -e 0', metric: 'cpuMs' },
    ],
    limits: [],
    notes: [],
  };
}

/** `bgctl status SERVICE -o json` against `node -e 0` and `kubectl get ksvc SERVICE -o json`. */
export async function statusSuite(pg: BenchCluster, opts: SuiteOptions): Promise<SuiteResult> {
  await createReadyService(pg, 'hello');
  const cmds: Cmd[] = [
    { label: 'node -e 0', file: NODE, args: ['-e', '0'], node: true },
    bgctl('bgctl status -o json', pg, 'status', 'hello', '-o', 'json'),
  ];
  if (opts.kubectl)
    cmds.push(
      kubectl(
        'kubectl get ksvc -o json',
        opts.kubectl,
        pg,
        mkdtempSync(join(tmpdir(), 'bgctl-bench-kube-')),
        'get',
        'ksvc',
        'hello',
        '-o',
        'json',
      ),
    );
  const cases = await compareCommands(cmds, opts);
  return {
    name: 'status',
    title: 'One read: status SERVICE -o json',
    cases,
    pairs: [
      { a: 'bgctl status -o json', b: 'node -e 0', metric: 'wallMs', target: 1.6 },
      ...(opts.kubectl
        ? [{ a: 'bgctl status -o json', b: 'kubectl get ksvc -o json', metric: 'wallMs' as const }]
        : []),
      { a: 'bgctl status -o json', b: 'node -e 0', metric: 'cpuMs' },
    ],
    limits: [],
    notes: [],
  };
}

type Procedure = { label: string; run: (service: string) => Promise<Sample[]> };

/** pin, deploy, stage, split 50, promote: bgctl step by step, bgctl rollout in one process, and the kubectl script. */
export async function rolloutSuite(
  pg: BenchCluster,
  opts: SuiteOptions,
  controlPlane: 'default' | 'instant' = 'default',
): Promise<SuiteResult> {
  const image = 'ghcr.io/bgctl/hello:v2';
  const procedures: Procedure[] = [
    {
      label: 'bgctl steps (5 processes)',
      run: async (svc) => {
        const steps = [['pin'], ['deploy', '--image', image], ['stage'], ['split', '--percent', '50'], ['promote']];
        const out: Sample[] = [];
        for (const s of steps) out.push(await runChecked(bgctl(s[0], pg, s[0], svc, ...s.slice(1), '--yes')));
        return out;
      },
    },
    {
      label: 'bgctl rollout --yes',
      run: async (svc) => [
        await runChecked(
          bgctl('rollout', pg, 'rollout', svc, '--image', image, '--steps', '50,100', '--no-verify', '--yes'),
        ),
      ],
    },
  ];
  if (opts.kubectl) {
    const cache = mkdtempSync(join(tmpdir(), 'bgctl-bench-kube-'));
    procedures.push({
      label: 'kubectl script',
      run: async (svc) => [
        await runChecked({
          label: 'kubectl script',
          file: 'bash',
          args: [KUBECTL_SCRIPT, svc, image],
          env: { KUBECONFIG: pg.kubeconfigPath, KUBECACHEDIR: cache, KUBECTL: opts.kubectl },
        }),
      ],
    });
  }
  const stats = new Map(procedures.map((p) => [p.label, newCase(p.label)]));
  const breakdown = new Map<string, string>();
  let n = 0;
  await alternate(
    procedures,
    async (p, round) => {
      const svc = `roll-${n++}`;
      await createReadyService(pg, svc);
      await sim(pg, 'DELETE', 'requests');
      const t0 = performance.now();
      const samples = await p.run(svc);
      const wallMs = performance.now() - t0;
      const log = await requestLog(pg);
      const requests = log.length;
      breakdown.set(p.label, describeRequests(log));
      if (round < 0) return;
      const c = stats.get(p.label)!;
      c.wallMs.push(wallMs);
      c.cpuMs.push(samples.reduce((s, x) => s + x.cpuMs, 0));
      c.maxRssMb.push(Math.max(...samples.map((x) => x.maxRssMb ?? NaN)));
      c.requests.push(requests);
    },
    opts,
  );
  const cases = [...stats.values()];
  const rollout = cases.find((c) => c.label === 'bgctl rollout --yes')!;
  const k = opts.kubectl ? 'kubectl script' : undefined;
  return {
    name: controlPlane === 'instant' ? 'rollout-instant' : 'rollout',
    title:
      controlPlane === 'instant'
        ? 'Unattended rollout, instant control plane: revisions, routes and ingress ready at once'
        : 'Unattended rollout: pin, deploy, stage, split 50, promote (revisions ready at once)',
    cases,
    pairs: k
      ? (['bgctl steps (5 processes)', 'bgctl rollout --yes'] as const).flatMap((a) => [
          { a, b: k, metric: 'wallMs' as const, target: 0.5 },
          { a, b: k, metric: 'requests' as const, target: 0.5 },
        ])
      : [],
    limits: [{ what: 'peak RSS of bgctl rollout --yes', value: Math.max(...rollout.maxRssMb), unit: 'MB', limit: 120 }],
    notes: [
      'Wall time is the whole procedure including process start-ups; API requests are everything ' +
        '/sim/v1/requests logged during it (kubectl with a warm discovery cache).',
      controlPlane === 'instant'
        ? 'The playground ran with every control-plane latency at zero, ' +
          "so the wall times are the tools' own: start-ups, requests and reactions."
        : 'The playground ran with its default control-plane latencies (20 ms per reconcile step, 75 ms minimum ' +
          'per state, 100 ms to program the ingress): each traffic change takes it about 220 ms, and the deploy ' +
          'about 420 ms, whichever tool waits.',
      ...[...breakdown].map(([label, text]) => `Requests of the last ${label} run: ${text}.`),
    ],
  };
}

/** "get services 3, patch services 1, ..." in order of first appearance. */
function describeRequests(log: LoggedRequest[]): string {
  const counts = new Map<string, number>();
  for (const r of log) {
    const key = r.resource ? `${r.verb} ${r.resource}` : `${r.method} ${r.path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, v]) => `${k} ${v}`).join(', ');
}

/** From the playground marking the service Ready to bgctl's next request: the watch, not a poll, must carry it. */
export async function reactionSuite(pg: BenchCluster, opts: SuiteOptions): Promise<SuiteResult> {
  const reactions: number[] = [];
  const c = newCase('bgctl deploy (revision ready after 1.5 s)');
  for (let i = 0; i < opts.warmup + opts.rounds; i++) {
    const svc = `react-${i}`;
    await createReadyService(pg, svc);
    await sim(pg, 'DELETE', 'requests');
    let readyAt = NaN;
    const cancel = onReady(pg, svc, 1, (at) => (readyAt = at));
    const s = await runOnce(
      bgctl(
        'deploy',
        pg,
        'deploy',
        svc,
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--annotation',
        'sim.bgctl.dev/ready-after=1500ms',
        '--yes',
      ),
    );
    cancel();
    if (s.code !== 0) throw new Error(`deploy ${svc}: exit ${s.code}\n${s.stderr}`);
    const next = (await requestLog(pg)).find((r) => Date.parse(r.time) >= Math.floor(readyAt) && r.verb !== 'watch');
    if (i < opts.warmup) continue;
    // The log has millisecond times; a request in the same millisecond counts as 0.
    reactions.push(next ? Math.max(0, Date.parse(next.time) - Math.floor(readyAt)) : NaN);
    record(c, s);
  }
  const worst = Math.max(...reactions);
  return {
    name: 'reaction',
    title: "Reaction: service marked Ready -> bgctl's next request",
    cases: [c],
    pairs: [],
    limits: [
      { what: 'median reaction', value: median(reactions), unit: 'ms', limit: 50 },
      { what: 'worst reaction', value: worst, unit: 'ms', limit: 50 },
    ],
    notes: [
      `Reactions (ms): ${reactions.map((r) => r.toFixed(0)).join(', ')}. ` +
        'The next request is the revision list bgctl reads after its watch reports Ready.',
    ],
  };
}

/** `status -A -o json` over thousands of services, and `revisions` of a service with thousands of revisions. */
export async function scaleSuite(
  sc: BenchCluster,
  opts: SuiteOptions & { services: number; revisions: number; bigRevisions: number },
): Promise<SuiteResult[]> {
  const cmds: Cmd[] = [bgctl('bgctl status -A -o json', sc, 'status', '-A', '-o', 'json')];
  if (opts.kubectl)
    cmds.push(
      kubectl(
        'kubectl get ksvc -A -o json',
        opts.kubectl,
        sc,
        mkdtempSync(join(tmpdir(), 'bgctl-bench-kube-')),
        'get',
        'ksvc',
        '-A',
        '-o',
        'json',
      ),
    );
  const fewer = { ...opts, warmup: 1, rounds: Math.max(3, Math.ceil(opts.rounds / 3)) };
  const listCases = await compareCommands(cmds, fewer);
  const status = listCases[0];
  const listSuite: SuiteResult = {
    name: 'status-all',
    title: `status -A -o json over ${opts.services} services / ${opts.revisions} revisions`,
    cases: listCases,
    pairs: opts.kubectl ? [{ a: 'bgctl status -A -o json', b: 'kubectl get ksvc -A -o json', metric: 'wallMs' }] : [],
    limits: [
      { what: 'median wall of status -A', value: median(status.wallMs), unit: 'ms', limit: 3000 },
      { what: 'peak RSS of status -A', value: Math.max(...status.maxRssMb), unit: 'MB', limit: 250 },
    ],
    notes: [],
  };

  // Pages must be printed as they arrive: with 50 ms added to every request, the first row must
  // reach stdout before the last page has even been asked for.
  await sim(sc, 'POST', 'faults', { latencyMs: 50 });
  const rev = newCase(`bgctl revisions (${opts.bigRevisions} revisions)`);
  const leads: number[] = [];
  let pages = 0;
  try {
    for (let i = 0; i < fewer.warmup + fewer.rounds; i++) {
      await sim(sc, 'DELETE', 'requests');
      const s = await runChecked(bgctl('revisions', sc, 'revisions', 'big', '-n', 'big'));
      const lists = (await requestLog(sc)).filter((r) => r.verb === 'list' && r.resource === 'revisions');
      if (i < fewer.warmup) continue;
      pages = lists.length;
      const lastPageAskedAt = Date.parse(lists[lists.length - 1].time);
      leads.push(s.firstStdoutAt === undefined ? NaN : lastPageAskedAt - s.firstStdoutAt);
      record(rev, s, lists.length);
    }
  } finally {
    await sim(sc, 'DELETE', 'faults');
  }
  const revSuite: SuiteResult = {
    name: 'revisions',
    title: `revisions SERVICE with ${opts.bigRevisions} revisions (50 ms added to each request)`,
    cases: [rev],
    pairs: [],
    limits: [
      {
        what: 'first row printed after the last page was requested (negative: before)',
        value: -median(leads),
        unit: 'ms',
        limit: 0,
      },
    ],
    notes: [
      `${pages} LIST pages per run; the first row reached stdout ` +
        `${leads.map((l) => l.toFixed(0)).join(', ')} ms before the last page was requested.`,
    ],
  };
  return [listSuite, revSuite];
}
