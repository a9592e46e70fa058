// One seeded chaos run: a fresh Service, a fault profile on the API server, maybe a foreign writer,
// one or two releases driven by real bgctl commands (in-process, real client-node over HTTPS), and
// after each command the oracle plus an exit-code check: 0 only when the intended state is stored.
// A rollout left open is then resumed or aborted with the faults off, and must complete.
import type { FaultConfig } from '../../src/sim/api/sim-control.js';
import type { KnativeService } from '../../src/core/knative-types.js';
import type { Playground } from '../helpers/playground.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { sim } from '../kube/sim-helpers.js';
import { fmtRouting, isOpen, recordedRollout, routingOf, sameRouting, type RecordedRollout } from './invariants.js';
import { churnWhenWatchCloses, countExpired, Monitor, revisionsOf, storedRevision, storedService } from './monitor.js';
import { createRng, type Rng } from './rng.js';
import { splitRouted, strike, type Struck } from './strike.js';

/** What a run found. */
export interface RunReport {
  seed: number;
  /** Human summary of the scenario (profile, foreign writer, releases). */
  scenario: string;
  violations: string[];
  /** Requests the server answered with an injected fault. */
  faults: number;
  /** 410 Expired errors delivered to watchers. */
  expired: number;
  foreignWrites: number;
  commands: Array<{ argv: string; code: number }>;
  /** Strikes that hit their moment (a person's edit in a pause or a wait, another bgctl's undo in a pause). */
  strikes?: number;
}

type Release = 'rollout' | 'rollout-verify' | 'until-resume' | 'steps' | 'fail' | 'verify-fail' | Strike;
/**
 * Releases during which someone else acts at a set moment: a person edits traffic in a pause or a wait, another bgctl
 * undoes the rollout in a pause.
 */
type Strike = 'pause-strike' | 'wait-strike' | 'other-bgctl';
const STRIKES: readonly Release[] = ['pause-strike', 'wait-strike', 'other-bgctl'];

/**
 * Steps that build on the traffic of an open rollout (they must refuse someone else's change unless told to take over).
 */
const advancing = (argv: readonly string[]) =>
  ((argv[0] === 'rollout' && !argv.includes('--abort')) || argv[0] === 'split' || argv[0] === 'promote') &&
  !argv.includes('--take-over');

export const PROFILES = [
  'conflict-storm',
  'errors-500',
  'unavailable-503',
  'throttle-429',
  'slow',
  'watch-close',
  'watch-410',
  'mixed',
] as const;
export type Profile = (typeof PROFILES)[number];

export function faultsFor(profile: Profile, rng: Rng, seed: number): FaultConfig {
  const p = (lo: number, hi: number) => Math.round((lo + rng.next() * (hi - lo)) * 100) / 100;
  switch (profile) {
    case 'conflict-storm':
      return { seed, conflictProbability: p(0.3, 0.7) };
    case 'errors-500':
      return { seed, errorProbability: p(0.03, 0.12) };
    case 'unavailable-503':
      return { seed, unavailableProbability: p(0.05, 0.15), retryAfterSeconds: 0 };
    case 'throttle-429':
      return { seed, throttleProbability: p(0.03, 0.1), retryAfterSeconds: rng.pick([0, 0, 1]) };
    case 'slow':
      return { seed, latencyMs: rng.int(20, 120) };
    case 'watch-close':
      return { seed, closeWatchAfterMs: rng.int(40, 400) };
    case 'watch-410':
      return { seed, closeWatchAfterMs: 150 };
    case 'mixed':
      return {
        seed,
        conflictProbability: p(0.1, 0.3),
        errorProbability: p(0, 0.05),
        unavailableProbability: p(0, 0.05),
        throttleProbability: p(0, 0.05),
        retryAfterSeconds: 0,
        latencyMs: rng.int(0, 40),
        closeWatchAfterMs: rng.int(100, 600),
      };
  }
}

/** Exit codes a valid command may end with under faults; 2 (usage) and 130 (cancel) never. */
const ALLOWED = new Set([0, 1, 3, 4, 5, 6, 8]);

/** The environment bgctl runs with in the chaos suites. */
export function chaosEnv(pg: Playground): Record<string, string> {
  return { KUBECONFIG: pg.kubeconfigPath, BGCTL_ACTOR: 'chaos' };
}

/** Creates an unpinned Service through the registry and resolves once it is Ready. */
export async function createService(pg: Playground, name: string, pinned: boolean): Promise<void> {
  const def = pg.registry.resource('services', 'serving.knative.dev')!;
  pg.registry.create(
    def,
    'default',
    {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1' }] } } },
    },
    { user: 'system:admin', fieldManager: 'chaos-setup' },
  );
  await settle(pg, name, 20_000);
  if (pinned) {
    pg.registry.patch(
      def,
      'default',
      name,
      'merge',
      { spec: { traffic: [{ revisionName: `${name}-00001`, percent: 100 }] } },
      { user: 'system:admin', fieldManager: 'chaos-setup' },
    );
    await settle(pg, name, 20_000);
  }
}

const key = (t: { tag?: string; revisionName?: string; percent?: number }) =>
  `${t.tag ?? ''}|${t.revisionName ?? ''}|${t.percent ?? 0}`;

/** True when Knative caught up with spec: observed generation, routes ready, status.traffic == spec.traffic. */
export function caughtUp(svc: KnativeService | undefined): boolean {
  if (!svc || svc.status?.observedGeneration !== svc.metadata.generation) return false;
  if (!svc.status?.conditions?.some((c) => c.type === 'RoutesReady' && c.status === 'True')) return false;
  const latest = svc.status?.latestReadyRevisionName;
  const spec = (svc.spec.traffic ?? []).map((t) => key(t.latestRevision ? { ...t, revisionName: latest } : t)).sort();
  const status = (svc.status?.traffic ?? []).map(key).sort();
  return spec.length === 0 || (spec.length === status.length && spec.every((k, i) => k === status[i]));
}

/** Waits until Knative caught up with the stored spec; false after `timeoutMs`. */
export async function settle(pg: Playground, name: string, timeoutMs = 15_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (caughtUp(storedService(pg.registry, name))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function stateOf(svc: KnativeService | undefined): RecordedRollout | undefined {
  const st = svc ? recordedRollout(svc) : undefined;
  return typeof st === 'object' ? st : undefined;
}

const pctOf = (svc: KnativeService | undefined, rev: string | undefined) =>
  (svc?.spec.traffic ?? [])
    .filter((t) => rev && t.revisionName === rev && !t.latestRevision)
    .reduce((n, t) => n + (t.percent ?? 0), 0);

/** One seeded chaos run on `pg` (which it shares with nobody while it runs). */
export async function chaosRun(
  pg: Playground,
  seed: number,
  opts: { log?: (line: string) => void } = {},
): Promise<RunReport> {
  const rng = createRng(seed);
  const name = `chaos-${seed}`;
  const profile = rng.pick(PROFILES);
  const foreignMode = rng.pick(['none', 'none', 'tags', 'tags', 'tags', 'percent'] as const);
  const releases: Release[] = [
    rng.pick([
      'rollout',
      'rollout',
      'rollout-verify',
      'until-resume',
      'steps',
      'steps',
      'fail',
      'verify-fail',
      ...STRIKES,
    ] as const),
  ];
  if (rng.chance(0.5)) releases.push(rng.pick(['rollout', 'until-resume', 'steps', 'fail', ...STRIKES] as const));
  const faults = faultsFor(profile, rng, seed);
  const report: RunReport = {
    seed,
    scenario: `${profile} ${JSON.stringify(faults)}, foreign writer: ${foreignMode}, releases: ${releases.join(' then ')}`,
    violations: [],
    faults: 0,
    expired: 0,
    foreignWrites: 0,
    commands: [],
  };
  opts.log?.(`seed ${seed}: ${report.scenario}`);
  const expired = countExpired(pg.registry);
  const expiredBefore = expired.n;
  await createService(pg, name, rng.chance(0.3));
  const mon = new Monitor(pg, name);
  if (foreignMode !== 'none' && rng.chance(0.6)) mon.addForeignTag(`${name}-00001`);
  await sim(pg, 'DELETE', 'requests');
  const violation = (msg: string) => report.violations.push(`[${mon.label}] ${msg}`);

  const cli = async (argv: string[]): Promise<CliResult> => {
    mon.label = argv.join(' ');
    mon.command = argv;
    const mark = mon.writes.length;
    const r = await runCli(argv, { env: chaosEnv(pg) });
    // Never exit 0 with a step built over someone else's traffic change (the write itself is flagged by the monitor
    // too).
    if (r.code === 0 && advancing(argv) && mon.writes.slice(mark).some((w) => w.actor === mon.actor && w.override))
      violation(
        `exit 0 although bgctl wrote over someone else's traffic change; it must refuse (exit 5) without --take-over`,
      );
    report.commands.push({ argv: mon.label, code: r.code });
    opts.log?.(
      `  seed ${seed}: bgctl ${mon.label} -> ${r.code}${
        r.code
          ? `: ${r.stderr
              .trim()
              .split('\n')
              .filter((l) => /^Error: /.test(l))
              .join(' ')}`
          : ''
      }`,
    );
    if (r.code && process.env.CHAOS_STDERR) opts.log?.(r.stderr.replace(/^/gm, '      | '));
    if (!ALLOWED.has(r.code))
      violation(
        `exit ${r.code} is not a possible outcome of a valid command: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      );
    if (argv.includes('json')) {
      try {
        const doc = JSON.parse(r.stdout);
        if (doc.apiVersion !== 'bgctl.dev/v1' || !doc.kind) violation(`-o json document lacks apiVersion/kind`);
      } catch {
        if (r.stdout.trim() || r.code === 0)
          violation(`-o json printed something that is not one JSON document: ${r.stdout.slice(0, 200)}`);
      }
    }
    mon.checkpoint();
    return r;
  };
  const faultsOn = async (kind: Release) => {
    await sim(pg, 'POST', 'faults', faults);
    // During a strike the person's edit (or the other bgctl) is the only foreign write: a random one
    // would mostly end the run in its wait (exit 5) before the pause or the split it strikes.
    if (foreignMode !== 'none' && !STRIKES.includes(kind)) mon.startForeignWriter(rng, foreignMode, rng.int(60, 250));
    if (profile === 'watch-410') mon.afterNextBgctlWrite(() => churnWhenWatchCloses(pg.registry, 5100));
  };
  const faultsOff = async () => {
    mon.stopForeignWriter();
    await sim(pg, 'DELETE', 'faults');
  };
  const common = ['--yes', '--timeout', '20s'];
  const verifyFlags = ['--ingress', pg.ingress, '--requests', '3'];

  /** exit 0 must mean: the rollout is promoted to the new revision, with the image asked for. */
  const expectPromoted = (r: CliResult, image: string | undefined) => {
    if (r.code !== 0) return;
    const { svc, raced } = mon.asBgctlLeftIt();
    const st = stateOf(svc);
    if (st?.phase !== 'promoted') return violation(`exit 0 but the rollout is ${st?.phase ?? 'not recorded'}`);
    if (pctOf(svc, st.candidate.revision) !== 100 - foreignPercent(svc, st))
      violation(`exit 0 but candidate ${st.candidate.revision} has ${pctOf(svc, st.candidate.revision)}%`);
    const rev = st.candidate.revision ? storedRevision(pg.registry, st.candidate.revision) : undefined;
    if (image && rev?.spec?.containers?.[0]?.image !== image)
      violation(
        `exit 0 but candidate ${st.candidate.revision} runs ${rev?.spec?.containers?.[0]?.image}, not ${image}`,
      );
    if (!raced && !caughtUp(svc))
      violation(
        'exit 0 but status.traffic does not show the promoted split yet (bgctl returned before Knative routed it)',
      );
  };
  /** The rollout as bgctl's last write left it (see Monitor.asBgctlLeftIt). */
  const left = () => mon.asBgctlLeftIt().svc;
  const state = () => stateOf(left());

  // Template annotations persist: after a release that set a failure knob, the next one removes it.
  let knobs: string[] = [];
  const release = async (kind: Release, n: number) => {
    const clear = knobs;
    knobs = kind === 'fail' ? ['sim.bgctl.dev/fail-'] : kind === 'verify-fail' ? ['sim.bgctl.dev/error-rate-'] : [];
    const unknob = clear.flatMap((k) => ['--annotation', k]);
    const image = `ghcr.io/bgctl/hello:v${n}`;
    const steps = rng.pick(['50,100', '10,50,100', '100', '25,75,100']);
    const json = rng.chance(0.3) ? ['-o', 'json'] : [];
    switch (kind) {
      case 'rollout':
      case 'rollout-verify': {
        const r = await cli([
          'rollout',
          name,
          '--image',
          image,
          ...unknob,
          '--steps',
          steps,
          ...(kind === 'rollout' ? ['--no-verify'] : verifyFlags),
          ...common,
          ...json,
        ]);
        expectPromoted(r, image);
        break;
      }
      case 'until-resume': {
        const until = rng.pick(['staged', 'split'] as const);
        const r = await cli([
          'rollout',
          name,
          '--image',
          image,
          ...unknob,
          '--steps',
          '50,100',
          '--no-verify',
          '--until',
          until,
          ...common,
          ...json,
        ]);
        if (r.code === 0) violation(`--until ${until} ended with exit 0 instead of 8`);
        if (r.code === 8 && state()?.phase !== until)
          violation(`exit 8 but the rollout is ${state()?.phase}, not ${until}`);
        if (state() && isOpen(state()!.phase))
          expectPromoted(await cli(['rollout', name, '--resume', '--no-verify', ...common]), image);
        break;
      }
      case 'steps': {
        const d = await cli(['deploy', name, '--image', image, ...unknob, ...common]);
        if (d.code === 0) {
          const st = state();
          const svc = left();
          const latest = storedService(pg.registry, name)?.status?.latestReadyRevisionName;
          if (
            st?.phase !== 'deployed' ||
            !latest ||
            storedRevision(pg.registry, latest)?.spec?.containers?.[0]?.image !== image
          )
            violation(`deploy exit 0 but phase ${st?.phase}, latest ready ${latest}`);
          if (pctOf(svc, latest) !== 0 && latest !== st?.stable.revision)
            violation(`deploy exit 0 but the new revision ${latest} already has traffic`);
        }
        if (d.code !== 0) break;
        const s = await cli(['stage', name, ...common]);
        if (s.code === 0 && state()?.phase !== 'staged') violation(`stage exit 0 but phase ${state()?.phase}`);
        if (s.code !== 0) break;
        const percent = rng.pick([10, 25, 50, 90]);
        const sp = await cli(['split', name, '--percent', String(percent), ...common, ...json]);
        if (sp.code === 0) {
          const st = state();
          if (st?.phase !== 'split' || pctOf(left(), st.candidate.revision) !== percent)
            violation(`split exit 0 but phase ${st?.phase}, candidate at ${pctOf(left(), st?.candidate.revision)}%`);
        }
        if (sp.code !== 0) break;
        const pr = await cli(['promote', name, ...(rng.chance(0.3) ? ['--retire'] : []), ...common]);
        expectPromoted(pr, image);
        if (pr.code === 0 && rng.chance(0.5))
          await cli(['cleanup', name, ...(rng.chance(0.5) ? ['--delete-revisions'] : []), ...common]);
        break;
      }
      case 'fail': {
        const existing = revisionsOf(pg.registry, name);
        const r = await cli([
          'rollout',
          name,
          '--image',
          image,
          '--annotation',
          'sim.bgctl.dev/fail=ExitCode1',
          '--no-verify',
          ...common,
        ]);
        if (r.code === 0 || r.code === 8) violation(`a rollout whose revision fails ended with exit ${r.code}`);
        // The failed revision never gets traffic (whatever the foreign writer moved among the others).
        const after = storedService(pg.registry, name);
        for (const rev of revisionsOf(pg.registry, name)) {
          if (!existing.has(rev) && pctOf(after, rev) > 0)
            violation(`the failed revision ${rev} was given ${pctOf(after, rev)}% of traffic`);
        }
        break;
      }
      case 'pause-strike':
      case 'other-bgctl': {
        // An unattended rollout pauses after its first split; once Knative routes it, someone acts.
        const edit = rng.pick(['stable-100', '70-30'] as const);
        const undo = rng.pick([
          ['rollback', name],
          ['rollout', name, '--abort'],
        ]);
        // Well inside the pause: bgctl sees the routed split within milliseconds, then sleeps 1–2 s.
        const delay = rng.int(250, 600);
        let struck: Struck | undefined;
        let other: Promise<CliResult> | undefined;
        let otherFrom = 0;
        let done = false;
        mon.whenStored(splitRouted, () =>
          setTimeout(() => {
            if (done) return;
            if (kind === 'pause-strike') struck = strike(mon, edit, storedService(pg.registry, name));
            else {
              otherFrom = mon.writes.length;
              mon.running.set('bob', undo);
              other = runCli([...undo, '--yes', '--timeout', '20s'], { env: { ...chaosEnv(pg), BGCTL_ACTOR: 'bob' } });
            }
          }, delay),
        );
        const r = await cli([
          'rollout',
          name,
          '--image',
          image,
          ...unknob,
          '--steps',
          '10,50,100',
          '--pause',
          kind === 'pause-strike' ? '1s' : '2s',
          '--no-verify',
          ...common,
          ...json,
        ]);
        done = true;
        const bobLanded = mon.writes.slice(otherFrom).some((w) => w.actor === 'bob');
        if (struck) checkStruck(r, struck, 'the pause');
        if (other) {
          const o = await other;
          mon.running.delete('bob');
          report.commands.push({ argv: `(as bob) ${undo.join(' ')}`, code: o.code });
          if (bobLanded) report.strikes = (report.strikes ?? 0) + 1;
          opts.log?.(`  seed ${seed}: bob: bgctl ${undo.join(' ')} during the pause -> ${o.code}`);
          if (!ALLOWED.has(o.code)) violation(`bob's ${undo.join(' ')} ended with exit ${o.code}`);
          const bobs = mon.writes.slice(otherFrom).filter((w) => w.actor === 'bob');
          const promotedFirst =
            mon.writes.slice(0, otherFrom).some((w) => w.actor === mon.actor && w.phase === 'promoted') ||
            mon.writes
              .slice(otherFrom)
              .some((w) => w.actor === mon.actor && w.phase === 'promoted' && (!bobs.length || w.seq < bobs[0].seq));
          // The undo landed while the run was still going and before it promoted: the run must stop with exit 5
          // (RolloutChanged).
          if (bobLanded && !promotedFirst && r.code !== 5)
            violation(
              `another bgctl closed the rollout during the pause (${undo.join(' ')}), yet the paused run ended with exit ${r.code}, not 5: ${r.stderr
                .trim()
                .split('\n')
                .filter((l) => /^Error: /.test(l))
                .join(' ')}`,
            );
          const st = state();
          if (
            o.code === 0 &&
            bobs.length &&
            (st?.phase !== (undo[0] === 'rollback' ? 'rolled-back' : 'aborted') || st.updatedBy !== 'bob')
          )
            violation(`bob's ${undo.join(' ')} exit 0, but the rollout is ${st?.phase} by ${st?.updatedBy}`);
        }
        break;
      }
      case 'wait-strike': {
        // Right after bgctl's first split write commits, before Knative routed it (bgctl is waiting).
        const edit = rng.pick(['stable-100', '70-30'] as const);
        let struck: Struck | undefined;
        let done = false;
        const arm = (): void =>
          mon.afterNextBgctlWrite(() => {
            if (done) return;
            if (stateOf(mon.lastBgctl)?.phase !== 'split') return arm();
            setImmediate(() => {
              if (!done) struck = strike(mon, edit, storedService(pg.registry, name));
            });
          });
        arm();
        const r = await cli([
          'rollout',
          name,
          '--image',
          image,
          ...unknob,
          '--steps',
          rng.pick(['50,100', '10,50,100']),
          '--no-verify',
          ...common,
          ...json,
        ]);
        done = true;
        if (struck) checkStruck(r, struck, 'its wait');
        break;
      }
      case 'verify-fail': {
        const r = await cli([
          'rollout',
          name,
          '--image',
          image,
          '--annotation',
          'sim.bgctl.dev/error-rate=1',
          ...verifyFlags,
          ...common,
        ]);
        if (r.code === 0 || r.code === 8) violation(`a rollout whose verification must fail ended with exit ${r.code}`);
        const st = state();
        if (r.code === 3 && st && isOpen(st.phase))
          violation(`exit 3 with rollback on failure, but the rollout is still ${st.phase}`);
        if (r.code === 3 && st && pctOf(left(), st.candidate.revision) !== 0)
          violation('exit 3 but the candidate still has traffic');
        break;
      }
    }
  };

  /**
   * After a person's change struck a run that must not build on it: refused (non-zero, usually 5), the change intact.
   */
  const checkStruck = (r: CliResult, struck: Struck, when: string) => {
    opts.log?.(`  seed ${seed}: a person set ${struck.text} during ${when} (${struck.edit})`);
    report.strikes = (report.strikes ?? 0) + 1;
    if (r.code === 0)
      violation(
        `a person set ${struck.text} during ${when}, yet the rollout ended with exit 0 (it must refuse with exit 5)`,
      );
    const now = routingOf(storedService(pg.registry, name)?.spec.traffic);
    if (!sameRouting(now, struck.routing))
      violation(`the person's ${struck.text} (set during ${when}) did not stand: the traffic is ${fmtRouting(now)}`);
  };

  /** With the faults off, an open rollout must resume (or abort) to completion. */
  const recover = async () => {
    await faultsOff();
    const st = state();
    if (!st || !isOpen(st.phase)) return;
    // A failed candidate cannot be resumed (resume closes the rollout with exit 1). Someone else's
    // traffic change is refused by a plain --resume: it is kept and the rollout closed (--abort), or
    // adopted (--resume --take-over) — unless it put percent outside the rollout, which promote
    // refuses to move even then.
    const latest = storedService(pg.registry, name)?.status?.latestCreatedRevisionName;
    const failed = latest
      ? storedRevision(pg.registry, latest)?.status?.conditions?.some(
          (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'False',
        )
      : false;
    const stored = storedService(pg.registry, name);
    const way = failed
      ? 'abort'
      : mon.personChangePending()
        ? foreignPercent(stored, st) > 0
          ? 'abort'
          : rng.pick(['abort', 'take-over'] as const)
        : rng.pick(['resume', 'abort'] as const);
    const flags =
      way === 'abort' ? ['--abort'] : ['--resume', ...(way === 'take-over' ? ['--take-over'] : []), '--no-verify'];
    const r = await cli(['rollout', name, ...flags, '--yes', '--timeout', '30s']);
    const after = state();
    if (r.code !== 0)
      violation(
        `rollout ${flags.join(' ')} without faults ended with exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`,
      );
    else if (after?.phase !== (way === 'abort' ? 'aborted' : 'promoted'))
      violation(`rollout ${flags.join(' ')} exit 0 but the rollout is ${after?.phase}`);
    else if (
      way === 'abort' &&
      pctOf(storedService(pg.registry, name), after.stable.revision) !==
        100 - foreignPercent(storedService(pg.registry, name), after)
    )
      violation('abort exit 0 but the stable revision does not carry the traffic');
  };

  try {
    for (const [i, kind] of releases.entries()) {
      await faultsOn(kind);
      await release(kind, i + 2);
      await recover();
    }
    mon.label = 'final';
    if (!(await settle(pg, name, 15_000)))
      violation(
        `Knative never caught up with spec: ${JSON.stringify(storedService(pg.registry, name)?.spec.traffic)} vs status ${JSON.stringify(storedService(pg.registry, name)?.status?.traffic)}`,
      );
    mon.checkpoint();
  } finally {
    await faultsOff().catch(() => undefined);
    mon.stop();
  }
  const { requests } = await sim(pg, 'GET', 'requests');
  report.faults = requests.filter((r: { fault?: string }) => r.fault).length;
  report.expired = expired.n - expiredBefore;
  report.foreignWrites = mon.foreignWrites;
  report.violations.push(...mon.violations);
  return report;
}

/** Percent carried by targets outside the rollout's two revisions (foreign ones). */
function foreignPercent(svc: KnativeService | undefined, st: RecordedRollout): number {
  const own = new Set([st.stable.revision, st.candidate.revision]);
  return (svc?.spec.traffic ?? [])
    .filter((t) => t.latestRevision || !own.has(t.revisionName))
    .reduce((n, t) => n + (t.percent ?? 0), 0);
}
