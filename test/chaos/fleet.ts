// Fleet chaos: one fleet rollout (`rollout -l … --context playground-1,playground-2,playground-3`) over three
// playground clusters with one or two labelled services each, and either API faults in ONE cluster (its own
// /sim/v1/faults: 409s, 5xx, 429, latency, closed watches, 410 on resume) or a SIGKILL of the fleet process at a
// seeded write, followed by a fleet `--resume` or `--abort`. Every target has its own Monitor, so the oracle's
// rules are checked on every committed write of every target, and after each command; the FleetRollout document
// must agree with what each cluster stores.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import type { KnativeService } from '../../src/core/knative-types.js';
import type { Playground, Playgrounds } from '../../src/sim/playground.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { sim } from '../kube/sim-helpers.js';
import { isOpen, recordedRollout, routingOf, sameRouting, type RecordedRollout, type Routing } from './invariants.js';
import { churnWhenWatchCloses, countExpired, Monitor, storedRevision, storedService } from './monitor.js';
import { createRng, type Rng } from './rng.js';
import { caughtUp, faultsFor, PROFILES, settle, type RunReport } from './scenario.js';

const CHILD = fileURLToPath(new URL('./cli-child.ts', import.meta.url));
const LABEL = 'chaos.bgctl.dev/fleet';
const V1 = 'ghcr.io/bgctl/hello:v1';
/** Exit codes a fleet rollout may end with under faults: 0, a failed target (1, 3), a context not reached (4). */
const ALLOWED = new Set([0, 1, 3, 4]);

/** One target: its cluster (seen as a Playground by the suites' helpers) and the monitor on its service. */
interface Target {
  pg: Playground;
  context: string;
  service: string;
  mon: Monitor;
  /** The routing before the run. */
  before: Routing;
  /** The id of the rollout recorded before the run (an older fleet's), if any. */
  beforeId?: string;
}

/** Cluster `i` as a Playground for Monitor and sim(): its registry, server, token, and a kubeconfig with its CA. */
function clusterAsPlayground(pgs: Playgrounds, i: number): Playground {
  const kc = yaml.load(pgs.kubeconfig) as { clusters: unknown[] };
  return { ...pgs.clusters[i], kubeconfig: yaml.dump({ clusters: [kc.clusters[i]] }) } as unknown as Playground;
}

async function createLabelled(pg: Playground, name: string, seed: number): Promise<void> {
  pg.registry.create(
    pg.registry.resource('services', 'serving.knative.dev')!,
    'default',
    {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name, namespace: 'default', labels: { [LABEL]: String(seed) } },
      spec: { template: { spec: { containers: [{ image: V1 }] } } },
    },
    { user: 'system:admin', fieldManager: 'chaos-setup' },
  );
  await settle(pg, name, 20_000);
}

const stateOf = (svc: KnativeService | undefined): (RecordedRollout & { fleet?: string }) | undefined => {
  const st = svc ? recordedRollout(svc) : undefined;
  return typeof st === 'object' ? st : undefined;
};

const pctOf = (svc: KnativeService | undefined, rev: string | undefined) =>
  (svc?.spec.traffic ?? [])
    .filter((t) => rev && t.revisionName === rev && !t.latestRevision)
    .reduce((n, t) => n + (t.percent ?? 0), 0);

/** True when the target's routing (percent per revision, tags ignored) is no longer what it was before the run. */
const routingMoved = (t: Target): boolean =>
  !sameRouting(routingOf(storedService(t.pg.registry, t.service)?.spec.traffic), t.before);

const lastLines = (r: CliResult) => r.stderr.trim().split('\n').slice(-2).join(' | ');

interface FleetDoc {
  kind?: string;
  apiVersion?: string;
  fleet?: string;
  outcome?: string;
  targets?: Array<{
    context: string;
    service: string;
    outcome: string;
    phase?: string;
    exitCode?: number;
    message?: string;
  }>;
  unreachable?: Array<{ context: string }>;
}

/** One seeded fleet chaos run over `pgs` (three clusters nobody else uses while it runs). */
export async function fleetRun(
  pgs: Playgrounds,
  seed: number,
  opts: { log?: (line: string) => void } = {},
): Promise<RunReport> {
  const rng = createRng(seed ^ 0xf1ee7);
  const clusters = pgs.clusters.map((_, i) => clusterAsPlayground(pgs, i));
  const contexts = pgs.clusters.map((c) => c.context).join(',');
  const mode = rng.chance(0.6) ? 'faults' : 'crash';
  const struck = rng.int(0, clusters.length - 1);
  const perCluster = rng.int(1, 2);
  const steps = rng.pick(['50,100', '10,50,100', '100']);
  const pacing = [
    ...(rng.chance(0.5) ? ['--max-parallel', String(rng.int(1, 3))] : []),
    ...(rng.chance(0.3) ? ['--first-wave', String(rng.int(1, 3))] : []),
    ...(mode === 'faults' && rng.chance(0.25) ? ['--continue-on-failure'] : []),
  ];
  const profile = rng.pick(PROFILES);
  const faults = mode === 'faults' ? faultsFor(profile, rng, seed) : { seed, latencyMs: rng.int(20, 150) };
  const withFaults = mode === 'faults' || rng.chance(0.3);
  const image = `ghcr.io/bgctl/hello:v${rng.int(2, 9)}`;
  // Some fault runs verify every target through its cluster's ingress, and one target's revisions answer 500
  // (sim.bgctl.dev/error-rate=1 on its template, so the new revision inherits it): its check fails and stops the fleet.
  const failing =
    mode === 'faults' && rng.chance(0.35)
      ? { cluster: rng.int(0, clusters.length - 1), name: rng.int(0, perCluster - 1) }
      : undefined;
  // Some runs start where an older fleet left every target promoted: its records must not pass for this fleet's.
  const olderFleet = rng.chance(0.3);
  const report: RunReport = {
    seed,
    scenario:
      `fleet ${mode}: ${perCluster} service(s) per cluster, steps ${steps} ${pacing.join(' ')}; ` +
      (withFaults
        ? `${clusters[struck].context}: ${mode === 'faults' ? profile : 'latency'} ${JSON.stringify(faults)}`
        : 'no faults'),
    violations: [],
    faults: 0,
    expired: 0,
    foreignWrites: 0,
    commands: [],
  };
  const violation = (msg: string) => report.violations.push(msg);

  const names = Array.from({ length: perCluster }, (_, k) => `fleet-${seed}-${'ab'[k]}`);
  await Promise.all(clusters.flatMap((pg) => names.map((n) => createLabelled(pg, n, seed))));
  const failingTarget = failing && { pg: clusters[failing.cluster], service: names[failing.name] };
  if (failingTarget) {
    report.scenario += `, verification fails on ${failingTarget.pg.context}/${failingTarget.service}`;
    failingTarget.pg.registry.patch(
      failingTarget.pg.registry.resource('services', 'serving.knative.dev')!,
      'default',
      failingTarget.service,
      'merge',
      { spec: { template: { metadata: { annotations: { 'sim.bgctl.dev/error-rate': '1' } } } } },
      { user: 'system:admin', fieldManager: 'chaos-setup' },
    );
    await settle(failingTarget.pg, failingTarget.service, 20_000);
  }
  const base = ['rollout', '-l', `${LABEL}=${seed}`, '--context', contexts];
  const env = { KUBECONFIG: pgs.kubeconfigPath, BGCTL_ACTOR: 'chaos' };
  if (olderFleet) {
    report.scenario += ', after an older fleet';
    const argv = [...base, '--image', 'ghcr.io/bgctl/hello:v1-older', '--no-verify', '--yes', '--timeout', '20s'];
    const r = await runCli(argv, { env });
    report.commands.push({ argv: argv.join(' '), code: r.code });
    if (r.code !== 0) violation(`the older fleet (no faults) ended with exit ${r.code}: ${lastLines(r)}`);
    await Promise.all(clusters.flatMap((pg) => names.map((n) => settle(pg, n, 15_000))));
  }
  const targets: Target[] = clusters.flatMap((pg) =>
    names.map((service) => ({
      pg,
      context: pg.context,
      service,
      mon: new Monitor(pg, service),
      before: routingOf(storedService(pg.registry, service)?.spec.traffic),
      beforeId: stateOf(storedService(pg.registry, service))?.id,
    })),
  );
  for (const t of targets) t.mon.label = `${t.context}/${t.service}: setup`;
  const expired = countExpired(clusters[struck].registry);
  const expiredBefore = expired.n;
  await sim(clusters[struck], 'DELETE', 'requests');
  const struckTargets = targets.filter((t) => t.pg === clusters[struck]);
  const faultsOff = async () => {
    for (const t of targets) t.mon.stopForeignWriter();
    await sim(clusters[struck], 'DELETE', 'faults');
  };

  opts.log?.(`fleet ${seed}: ${report.scenario}`);
  try {
    if (withFaults) {
      await sim(clusters[struck], 'POST', 'faults', faults);
      if (mode === 'faults' && rng.chance(0.3)) {
        report.scenario += ', foreign writer: tags';
        for (const t of struckTargets) t.mon.startForeignWriter(rng, 'tags', rng.int(60, 250));
      }
      if (mode === 'faults' && profile === 'watch-410')
        struckTargets[0].mon.afterNextBgctlWrite(() => churnWhenWatchCloses(clusters[struck].registry, 5100));
    }
    const verify = failing
      ? [...clusters.flatMap((pg) => ['--context-ingress', `${pg.context}=${pg.ingress}`]), '--requests', '2']
      : ['--no-verify'];
    const argv = [...base, '--image', image, '--steps', steps, ...verify, '--yes', '--timeout', '20s', ...pacing];
    let fleet: string | undefined;
    if (mode === 'faults') {
      label(targets, 'fleet rollout', argv);
      const r = await runCli([...argv, '-o', 'json'], { env });
      report.commands.push({ argv: argv.join(' '), code: r.code });
      opts.log?.(`  fleet ${seed}: rollout -> ${r.code}${r.code ? `: ${lastLines(r)}` : ''}`);
      fleet = checkRollout(r, targets, image, violation);
      const bad =
        failingTarget && targets.find((t) => t.pg === failingTarget.pg && t.service === failingTarget.service);
      if (bad) {
        if (r.code === 0) violation(`exit 0 although ${bad.context}/${bad.service} fails its verification`);
        const st = stateOf(storedService(bad.pg.registry, bad.service));
        if (st?.phase === 'promoted') violation(`${bad.context}/${bad.service}: promoted although its check fails`);
      }
    } else {
      fleet = await killMidFleet(targets, argv, rng, env, report, opts.log);
    }
    for (const t of targets) t.mon.checkpoint();
    await faultsOff();
    await recover(targets, base, rng, env, fleet, report, violation, opts.log);
    for (const t of targets) {
      t.mon.label = `${t.context}/${t.service}: final`;
      if (!(await settle(t.pg, t.service, 15_000))) violation(`${t.context}/${t.service}: Knative never caught up`);
      t.mon.checkpoint();
    }
  } finally {
    await faultsOff().catch(() => undefined);
    for (const t of targets) t.mon.stop();
  }
  const { requests } = await sim(clusters[struck], 'GET', 'requests');
  report.faults = requests.filter((r: { fault?: string }) => r.fault).length;
  report.expired = expired.n - expiredBefore;
  report.foreignWrites = targets.reduce((n, t) => n + t.mon.foreignWrites, 0);
  for (const t of targets) report.violations.push(...t.mon.violations);
  return report;
}

/** The fleet's exit code and document against what every cluster stores; returns the fleet id. */
function checkRollout(
  r: CliResult,
  targets: Target[],
  image: string,
  violation: (msg: string) => void,
): string | undefined {
  if (!ALLOWED.has(r.code)) violation(`fleet rollout: exit ${r.code} is not a possible outcome: ${lastLines(r)}`);
  let doc: FleetDoc;
  try {
    doc = JSON.parse(r.stdout) as FleetDoc;
  } catch {
    violation(`fleet rollout -o json printed something that is not one JSON document: ${r.stdout.slice(0, 200)}`);
    return undefined;
  }
  if (doc.apiVersion !== 'bgctl.dev/v1' || doc.kind !== 'FleetRollout') {
    violation(`fleet rollout printed ${doc.kind} instead of a FleetRollout: ${r.stdout.slice(0, 300)}`);
    return undefined;
  }
  const unreachable = new Set((doc.unreachable ?? []).map((u) => u.context));
  if (r.code === 0 && unreachable.size) violation('exit 0 although a context was not reached');
  for (const t of targets) {
    const where = `${t.context}/${t.service}`;
    const svc = storedService(t.pg.registry, t.service);
    const st = stateOf(svc);
    const items = (doc.targets ?? []).filter((x) => x.context === t.context && x.service === t.service);
    if (unreachable.has(t.context)) {
      if (items.length) violation(`${where}: listed as a target of an unreachable context`);
      if (st && st.id !== t.beforeId)
        violation(`${where}: its context was reported unreachable, yet it has a new rollout (${st.phase})`);
      continue;
    }
    if (items.length !== 1) {
      violation(`${where}: ${items.length} entries in the FleetRollout document, not 1`);
      continue;
    }
    const item = items[0];
    if (r.code === 0 && item.outcome !== 'promoted') violation(`exit 0 but ${where} is ${item.outcome}`);
    if (st && st.fleet !== doc.fleet && item.outcome !== 'not-started')
      violation(`${where}: its record carries fleet ${st.fleet}, not ${doc.fleet}`);
    if (item.phase !== undefined && st && item.phase !== st.phase)
      violation(`${where}: the document says ${item.phase}, the cluster stores ${st.phase}`);
    const { svc: left, raced } = t.mon.asBgctlLeftIt();
    switch (item.outcome) {
      case 'promoted': {
        if (st?.phase !== 'promoted') violation(`${where}: promoted in the document, ${st?.phase} in the cluster`);
        else if (st.id === t.beforeId) violation(`${where}: promoted in the document, but only an older rollout is`);
        else {
          if (pctOf(left, st.candidate.revision) !== 100)
            violation(`${where}: promoted but ${st.candidate.revision} has ${pctOf(left, st.candidate.revision)}%`);
          const rev = st.candidate.revision ? storedRevision(t.pg.registry, st.candidate.revision) : undefined;
          if (rev?.spec?.containers?.[0]?.image !== image)
            violation(
              `${where}: promoted ${st.candidate.revision} runs ${rev?.spec?.containers?.[0]?.image}, not ${image}`,
            );
          // A target the fleet's stop cut short in its last wait says so; the final settle checks it is routed.
          const cut = /routing was not awaited/.test(item.message ?? '');
          if (!raced && !cut && !caughtUp(svc)) violation(`${where}: promoted before Knative routed the final traffic`);
        }
        break;
      }
      case 'aborted':
        if (st?.phase !== 'aborted' || pctOf(left, st.stable.revision) !== 100)
          violation(
            `${where}: aborted in the document, but ${st?.phase} with stable at ${pctOf(left, st?.stable.revision)}%`,
          );
        break;
      case 'not-started':
        if (st && st.id !== t.beforeId) violation(`${where}: not started, yet it has a new rollout (${st.phase})`);
        // The foreign writer's 0% tags change spec.traffic, not the routing; bgctl must not have written at all.
        if (t.mon.bgctlWrites > 0 || routingMoved(t))
          violation(`${where}: not started, yet bgctl wrote to it (${t.mon.bgctlWrites} writes)`);
        break;
      case 'failed':
        if (st && !isOpen(st.phase) && st.phase !== 'promoted' && pctOf(left, st.candidate.revision) !== 0)
          violation(`${where}: failed and closed as ${st.phase}, yet the candidate has traffic`);
        break;
      default:
        violation(`${where}: outcome ${item.outcome} for a fleet nobody paused or cancelled`);
    }
  }
  return doc.fleet;
}

/** Runs the fleet in a child process and SIGKILLs it at a seeded write (mid-write, or some ms after it). */
async function killMidFleet(
  targets: Target[],
  argv: string[],
  rng: Rng,
  env: Record<string, string>,
  report: RunReport,
  log?: (line: string) => void,
): Promise<string | undefined> {
  const perTarget = argv[argv.indexOf('--steps') + 1].split(',').length + 2;
  const at = rng.int(1, targets.length * perTarget);
  const delayMs = rng.chance(0.45) ? -1 : rng.int(0, 400);
  report.scenario += `, SIGKILL ${delayMs < 0 ? 'inside' : `${delayMs} ms after`} write ${at}`;
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...argv], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let killed = false;
  const kill = () => {
    if (killed || child.exitCode !== null) return;
    killed = true;
    child.kill('SIGKILL');
  };
  const writes = () => targets.reduce((n, t) => n + t.mon.bgctlWrites, 0);
  for (const t of targets) {
    const arm = (): void =>
      t.mon.afterNextBgctlWrite(() => {
        if (killed) return;
        if (writes() < at) return arm();
        if (delayMs < 0) kill();
        else setTimeout(kill, delayMs);
      });
    arm();
  }
  label(targets, 'killed fleet child', argv);
  const code = await exited;
  report.commands.push({ argv: `killed child: bgctl ${argv.join(' ')}`, code: killed ? 137 : (code ?? -1) });
  log?.(`  fleet ${report.seed}: ${killed ? `killed after ${writes()} writes` : `finished with ${code}`}`);
  if (!killed && code !== 0)
    report.violations.push(
      `the fleet ended with exit ${code} before the kill: ${stderr.trim().split('\n').slice(-2).join(' | ')}`,
    );
  for (const t of targets) t.mon.label = `${t.context}/${t.service}: right after the kill`;
  const fleets = new Set(
    targets.flatMap((t) => {
      const st = stateOf(storedService(t.pg.registry, t.service));
      return st?.fleet && st.id !== t.beforeId ? [st.fleet] : [];
    }),
  );
  if (fleets.size > 1) report.violations.push(`the targets carry ${fleets.size} fleet ids: ${[...fleets].join(', ')}`);
  return [...fleets][0];
}

function label(targets: Target[], what: string, argv: readonly string[]): void {
  for (const t of targets) {
    t.mon.label = `${t.context}/${t.service}: ${what}`;
    t.mon.command = argv;
  }
}

/**
 * With the faults off, a fleet `--resume` (or `--abort`) must exit 0, close every target left open by this fleet
 * (promoted or aborted, still carrying its id) and start none that was never started.
 */
async function recover(
  targets: Target[],
  base: string[],
  rng: Rng,
  env: Record<string, string>,
  fleet: string | undefined,
  report: RunReport,
  violation: (msg: string) => void,
  log?: (line: string) => void,
): Promise<void> {
  // This fleet's records only: an older fleet's promoted record is no rollout of this one.
  const ours = (t: Target) => {
    const st = stateOf(storedService(t.pg.registry, t.service));
    return st && st.id !== t.beforeId ? st : undefined;
  };
  const before = targets.map(ours);
  const open = targets.filter((_, i) => before[i] && isOpen(before[i]!.phase));
  if (!open.length) {
    for (const [i, t] of targets.entries())
      if (!before[i] && (t.mon.bgctlWrites > 0 || routingMoved(t)))
        violation(`${t.context}/${t.service}: no rollout recorded, yet bgctl wrote to it or its routing changed`);
    return;
  }
  const way = rng.chance(0.7) ? 'resume' : 'abort';
  const argv = [...base, `--${way}`, ...(way === 'resume' ? ['--no-verify'] : []), '--yes', '--timeout', '30s'];
  label(targets, `fleet --${way}`, argv);
  const r = await runCli([...argv, '-o', 'json'], { env });
  report.commands.push({ argv: argv.join(' '), code: r.code });
  log?.(`  fleet ${report.seed}: --${way} of ${open.length} open target(s) -> ${r.code}`);
  if (r.code !== 0) violation(`fleet --${way} without faults ended with exit ${r.code}: ${lastLines(r)}`);
  let doc: FleetDoc | undefined;
  try {
    doc = JSON.parse(r.stdout) as FleetDoc;
  } catch {
    violation(`fleet --${way} -o json printed something that is not one JSON document`);
  }
  if (doc && fleet && doc.fleet !== fleet) violation(`fleet --${way} continued ${doc.fleet}, not ${fleet}`);
  const want = way === 'resume' ? 'promoted' : 'aborted';
  for (const [i, t] of targets.entries()) {
    const where = `${t.context}/${t.service}`;
    const st = stateOf(storedService(t.pg.registry, t.service));
    if (open.includes(t)) {
      if (r.code === 0 && (st?.phase !== want || st.fleet !== fleet))
        violation(`${where}: fleet --${way} exit 0 but the rollout is ${st?.phase} (fleet ${st?.fleet})`);
    } else if (!before[i] && ours(t)) violation(`${where}: never started, yet fleet --${way} opened a rollout on it`);
    else if (before[i] && st?.id !== before[i]!.id) violation(`${where}: closed before, yet fleet --${way} changed it`);
  }
}
