// Crash-resume: an unattended rollout runs in a child process that is SIGKILLed at a seeded moment —
// before its first write, synchronously inside the commit of its k-th write (the write landed, the
// process never saw the answer), or some milliseconds after it (mid-wait). The service must be valid
// right after the kill, and `bgctl rollout --resume` (or `--abort`) must then complete the rollout.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Playground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { sim } from '../kube/sim-helpers.js';
import { isOpen, recordedRollout } from './invariants.js';
import { Monitor, storedService } from './monitor.js';
import { createRng } from './rng.js';
import { caughtUp, chaosEnv, createService, settle, type RunReport } from './scenario.js';

const CHILD = fileURLToPath(new URL('./cli-child.ts', import.meta.url));

/** Where the child is killed. */
export type KillPoint =
  | { at: 'before-write'; delayMs: number }
  | { at: 'mid-write'; write: number }
  | { at: 'mid-wait'; write: number; delayMs: number };

/** One seeded crash-resume run. */
export async function crashRun(
  pg: Playground,
  seed: number,
  opts: { log?: (line: string) => void } = {},
): Promise<RunReport> {
  const rng = createRng(seed ^ 0x5eed);
  const name = `crash-${seed}`;
  const steps = rng.pick(['50,100', '10,50,100', '100']);
  const writes = steps.split(',').length + 2;
  const roll = rng.next();
  const kill: KillPoint =
    roll < 0.15
      ? { at: 'before-write', delayMs: rng.int(0, 300) }
      : roll < 0.55
        ? { at: 'mid-write', write: rng.int(1, writes) }
        : { at: 'mid-wait', write: rng.int(1, writes), delayMs: rng.int(0, 400) };
  const latencyMs = rng.chance(0.3) ? rng.int(20, 150) : 0;
  const report: RunReport = {
    seed,
    scenario: `kill ${JSON.stringify(kill)}, steps ${steps}, latency ${latencyMs}ms`,
    violations: [],
    faults: 0,
    expired: 0,
    foreignWrites: 0,
    commands: [],
  };
  await createService(pg, name, rng.chance(0.3));
  const before = JSON.stringify(storedService(pg.registry, name)?.spec.traffic);
  const mon = new Monitor(pg, name);
  const violation = (msg: string) => report.violations.push(`[${mon.label}] ${msg}`);
  if (latencyMs) await sim(pg, 'POST', 'faults', { latencyMs, seed });
  const argv = [
    'rollout',
    name,
    '--image',
    'ghcr.io/bgctl/hello:v2',
    '--steps',
    steps,
    '--no-verify',
    '--yes',
    '--timeout',
    '30s',
  ];
  mon.label = `killed child: bgctl ${argv.join(' ')}`;
  mon.command = argv;
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...argv], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...chaosEnv(pg) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let killed = false;
  const doKill = () => {
    if (killed || child.exitCode !== null) return;
    killed = true;
    child.kill('SIGKILL');
  };
  const stopAt = (n: number, fn: () => void) => {
    const arm = (): void => mon.afterNextBgctlWrite(() => (mon.bgctlWrites >= n ? fn() : arm()));
    arm();
  };
  if (kill.at === 'mid-write') stopAt(kill.write, doKill);
  else if (kill.at === 'mid-wait') stopAt(kill.write, () => setTimeout(doKill, kill.delayMs));
  else {
    // "Before its first write": once the child has read the service (its first request is logged).
    const poll = setInterval(async () => {
      const { requests } = await sim(pg, 'GET', 'requests').catch(() => ({ requests: [] }));
      if (requests.some((r: { name?: string }) => r.name === name)) {
        clearInterval(poll);
        setTimeout(doKill, kill.delayMs);
      }
    }, 20);
    void exited.then(() => clearInterval(poll));
  }
  const code = await exited;
  report.commands.push({ argv: mon.label, code: killed ? 137 : (code ?? -1) });
  opts.log?.(
    `  crash ${seed}: ${killed ? `killed (${kill.at}) after ${mon.bgctlWrites} writes` : `finished with ${code}`}`,
  );
  try {
    if (!killed && code !== 0)
      violation(
        `the rollout ended with exit ${code} before the kill: ${stderr.trim().split('\n').slice(-2).join(' | ')}`,
      );
    if (latencyMs) await sim(pg, 'DELETE', 'faults');
    mon.label = 'right after the kill';
    mon.checkpoint();
    const st = recordedRollout(storedService(pg.registry, name)!);
    if (typeof st !== 'object') {
      // Killed before its first write: nothing may have changed.
      if (JSON.stringify(storedService(pg.registry, name)?.spec.traffic) !== before)
        violation('no rollout recorded, yet spec.traffic changed');
    } else if (isOpen(st.phase)) {
      const way = rng.chance(0.75) ? 'resume' : 'abort';
      mon.label = `rollout --${way}`;
      const resume = [
        'rollout',
        name,
        `--${way}`,
        ...(way === 'resume' ? ['--no-verify'] : []),
        '--yes',
        '--timeout',
        '30s',
      ];
      mon.command = resume;
      const r = await runCli(resume, { env: chaosEnv(pg) });
      report.commands.push({ argv: mon.label, code: r.code });
      opts.log?.(`  crash ${seed}: rollout --${way} from ${st.phase} -> ${r.code}`);
      const after = recordedRollout(storedService(pg.registry, name)!);
      const want = way === 'resume' ? 'promoted' : 'aborted';
      if (r.code !== 0) violation(`exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
      else if (typeof after !== 'object' || after.phase !== want)
        violation(`exit 0 but the rollout is ${typeof after === 'object' ? after.phase : after}`);
      else if (!caughtUp(storedService(pg.registry, name)))
        violation('exit 0 but Knative has not routed the final traffic');
      mon.checkpoint();
    }
    mon.label = 'final';
    if (!(await settle(pg, name, 15_000))) violation('Knative never caught up with spec');
    mon.checkpoint();
  } finally {
    doKill();
    mon.stop();
    await sim(pg, 'DELETE', 'faults').catch(() => undefined);
  }
  report.violations.push(...mon.violations);
  return report;
}
