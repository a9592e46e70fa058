// The fleet suite of issue 15 (not timed tests): one `bgctl rollout -l … --context a,b,c --yes` process over three
// playground clusters, against a shell loop of single `bgctl rollout --yes` processes for the same targets. Wall time,
// peak RSS of the fleet process, and API requests per target (the three clusters' /sim/v1/requests logs added up).
// Sizes: 10, 90 (3 × 30, the headline case, several rounds), 100 and 300 targets, each without and with 50 ms of
// added API latency.
import { join } from 'node:path';
import yaml from 'js-yaml';
import { median, runOnce, type Sample } from './measure.js';
import { newCase, type CaseStats, type Limit, type Pair, type SuiteResult } from './results.js';
import { createReadyService, requestLog, sim, type BenchCluster } from './sim.js';
import { BENCH_ROOT, type SuiteOptions } from './suites.js';

const BIN = join(BENCH_ROOT, 'bin', 'bgctl.js');
const NODE = process.execPath;
const CLUSTERS = 3;
const PER_CLUSTER = 100;
/** Targets per size: how many of each cluster's services carry the size's label (first cluster first). */
const SIZES = [10, 90, 100, 300];
const MAX_PARALLEL = 10;
const STEPS = ['--steps', '50,100', '--no-verify', '--yes', '-o', 'json'];

export interface FleetSuiteOptions extends SuiteOptions {
  /** Largest target count the shell loop of single rollouts runs for (it is slow: one process per target). */
  loopUpTo: number;
}

const label = (n: number) => `fleet-${n}`;
/** How many of cluster `i`'s services a size of `n` targets takes (spread evenly, the remainder first). */
const share = (n: number, i: number) => Math.floor(n / CLUSTERS) + (i < n % CLUSTERS ? 1 : 0);

/** Each cluster as BenchCluster (its own CA first in the kubeconfig, so /sim/v1 is reached over verified TLS). */
function benchClusters(pgs: import('../src/sim/playground.js').Playgrounds): BenchCluster[] {
  const doc = yaml.load(pgs.kubeconfig) as { clusters: Array<{ cluster: { server: string } }> };
  return pgs.clusters.map((c) => ({
    server: c.server,
    token: c.token,
    kubeconfigPath: pgs.kubeconfigPath,
    kubeconfig: yaml.dump({ ...doc, clusters: doc.clusters.filter((x) => x.cluster.server === c.server) }),
    registry: c.registry,
    stop: async () => undefined,
  }));
}

async function labelServices(c: BenchCluster, index: number): Promise<string[]> {
  const names = Array.from({ length: PER_CLUSTER }, (_, i) => `fl-${String(i).padStart(3, '0')}`);
  await Promise.all(names.map((n) => createReadyService(c, n)));
  const def = c.registry.resource('services', 'serving.knative.dev')!;
  names.forEach((name, i) => {
    const labels = Object.fromEntries(SIZES.filter((n) => i < share(n, index)).map((n) => [label(n), 'yes']));
    c.registry.patch(def, 'default', name, 'merge', { metadata: { labels } }, { user: 'system:admin' });
  });
  return names;
}

async function totalRequests(clusters: BenchCluster[]): Promise<number> {
  let n = 0;
  for (const c of clusters) n += (await requestLog(c)).length;
  return n;
}

async function resetLogs(clusters: BenchCluster[]): Promise<void> {
  for (const c of clusters) await sim(c, 'DELETE', 'requests');
}

function record(c: CaseStats, s: { wallMs: number; cpuMs: number; maxRssMb?: number }, perTarget: number): void {
  c.wallMs.push(s.wallMs);
  c.cpuMs.push(s.cpuMs);
  c.maxRssMb.push(s.maxRssMb ?? NaN);
  c.requests.push(perTarget);
}

/** Runs the fleet suite: the playgrounds are started and stopped here. */
export async function fleetSuite(opts: FleetSuiteOptions): Promise<SuiteResult> {
  const { startPlaygrounds } = await import('../src/sim/playground.js');
  const pgs = await startPlaygrounds(CLUSTERS);
  try {
    const clusters = benchClusters(pgs);
    process.stderr.write(`fleet: ${CLUSTERS} clusters × ${PER_CLUSTER} services...\n`);
    const names = await Promise.all(clusters.map((c, i) => labelServices(c, i)));
    const contexts = pgs.clusters.map((c) => c.context);
    const env = { KUBECONFIG: pgs.kubeconfigPath, BGCTL_ACTOR: 'bench' };
    let tag = 0;
    const fleetRun = async (n: number): Promise<Sample> => {
      const s = await runOnce(
        {
          label: `fleet ${n}`,
          file: NODE,
          args: [
            BIN,
            'rollout',
            '-l',
            `${label(n)}=yes`,
            '--context',
            contexts.join(','),
            '--image-tag',
            `b${++tag}`,
            '--max-parallel',
            String(MAX_PARALLEL),
            ...STEPS,
          ],
          node: true,
          env,
        },
        { timeoutMs: 900_000 },
      );
      const doc = s.code === 0 ? (JSON.parse(s.stdout) as { targets: unknown[] }) : undefined;
      if (!doc || doc.targets.length !== n) throw new Error(`fleet of ${n}: exit ${s.code}\n${s.stderr.slice(-2000)}`);
      return s;
    };
    // The same targets, one `bgctl rollout SERVICE --context C --yes` process after another.
    const loopRun = async (n: number): Promise<Sample> => {
      const image = `ghcr.io/bgctl/hello:b${++tag}`;
      const lines = contexts.flatMap((ctx, i) =>
        names[i]
          .slice(0, share(n, i))
          .map(
            (svc) =>
              `"$NODE" "$BIN" rollout ${svc} --context ${ctx} --image ${image} ${STEPS.join(' ')} >/dev/null || exit 1`,
          ),
      );
      const s = await runOnce(
        { label: `loop ${n}`, file: 'bash', args: ['-c', lines.join('\n')], env: { ...env, NODE, BIN } },
        { timeoutMs: 1_800_000 },
      );
      if (s.code !== 0) throw new Error(`shell loop of ${n}: exit ${s.code}\n${s.stderr.slice(-2000)}`);
      return s;
    };

    const cases: CaseStats[] = [];
    const limits: Limit[] = [];
    const notes: string[] = [];
    for (const latencyMs of [0, 50]) {
      for (const c of clusters) await sim(c, 'POST', 'faults', { latencyMs });
      const lat = latencyMs ? `, +${latencyMs} ms API latency` : '';
      // Warm-up: one small fleet (page cache, code cache), not recorded.
      if (latencyMs === 0) await fleetRun(10);
      for (const n of SIZES) {
        const rounds = n === 90 && latencyMs === 0 ? Math.max(1, opts.rounds) : 1;
        const fc = newCase(`fleet ${n} targets, --max-parallel ${MAX_PARALLEL}${lat}`);
        for (let r = 0; r < rounds; r++) {
          await resetLogs(clusters);
          const s = await fleetRun(n);
          record(fc, s, (await totalRequests(clusters)) / n);
        }
        cases.push(fc);
        if (n === 90 && latencyMs === 0) {
          limits.push({
            what: 'wall of the 3 × 30 fleet (median)',
            value: median(fc.wallMs),
            unit: 'ms',
            limit: 60_000,
          });
          limits.push({
            what: 'peak RSS of the 3 × 30 fleet',
            value: Math.max(...fc.maxRssMb),
            unit: 'MB',
            limit: 200,
          });
        }
        if (n === 300)
          limits.push({
            what: `peak RSS of the 300-target fleet${lat}`,
            value: Math.max(...fc.maxRssMb),
            unit: 'MB',
            limit: 200,
          });
        if (n <= opts.loopUpTo) {
          const lc = newCase(`shell loop of ${n} single rollouts${lat}`);
          await resetLogs(clusters);
          const s = await loopRun(n);
          record(lc, s, (await totalRequests(clusters)) / n);
          cases.push(lc);
        }
      }
    }
    for (const c of clusters) await sim(c, 'DELETE', 'faults');
    notes.push(
      "API requests are per target (all clusters' requests / targets). " +
        `Every case runs \`${STEPS.slice(0, 3).join(' ')}\`` +
        ` (deploy, stage, split 50, promote) on services whose revisions are ready at once. The shell loop ran up to ` +
        `${opts.loopUpTo} targets (one process per target; larger loops scale linearly, see the per-target wall).` +
        ` CPU of the shell loop is the sum over its processes; its peak RSS is not measured (one process's is).`,
    );
    return {
      name: 'fleet',
      title: `Fleet rollout: ${CLUSTERS} playground clusters, one process against a shell loop of single rollouts`,
      cases,
      pairs: (
        [
          {
            a: `fleet 90 targets, --max-parallel ${MAX_PARALLEL}`,
            b: 'shell loop of 90 single rollouts',
            metric: 'wallMs',
          },
          {
            a: `fleet 90 targets, --max-parallel ${MAX_PARALLEL}`,
            b: 'shell loop of 90 single rollouts',
            metric: 'requests',
            target: 1,
          },
        ] as Pair[]
      ).filter((p) => cases.some((c) => c.label === p.b)),
      limits,
      notes,
    };
  } finally {
    await pgs.stop();
  }
}
