// Long mode of the chaos suites (npm run test:chaos → scripts/chaos.mjs): N seeded fault runs and M
// crash-resume runs over a few playgrounds in parallel lanes. Prints each failing seed with its
// violations and a summary; exits 1 when any run found a violation. With --fleet: N fleet runs
// (test/chaos/fleet.ts, 6 by default) over lanes of three clusters each; seeds are named fN.
import { parseArgs } from 'node:util';
import { startPlayground, type Playground } from '../helpers/playground.js';
import { chaosRun, type RunReport } from './scenario.js';
import { crashRun } from './crash.js';
import { fleetRun } from './fleet.js';
import { startPlaygrounds, type Playgrounds } from '../../src/sim/playground.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    crashes: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    lanes: { type: 'string' },
    fleet: { type: 'boolean', default: false },
    only: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

/** Runs the long mode and returns the process exit code. */
async function runLong(): Promise<number> {
  const first = Number(values.seed);
  const fleet = values.fleet || (values.only?.split(',').every((s) => s.startsWith('f')) ?? false);
  const runs = Number(values.runs ?? (fleet ? 6 : 500));
  const crashes = fleet ? 0 : Number(values.crashes);
  const lanes = Math.max(1, Number(values.lanes ?? (fleet ? 2 : 3)));
  const jobs: Array<{ kind: 'chaos' | 'crash' | 'fleet'; seed: number }> = [];
  const kindOf = (s: string) => (s.startsWith('k') ? 'crash' : s.startsWith('f') ? 'fleet' : 'chaos');
  if (values.only)
    for (const s of values.only.split(','))
      jobs.push({ kind: kindOf(s), seed: Number(s.slice(/^[kf]/.test(s) ? 1 : 0)) });
  else if (fleet) for (let i = 0; i < runs; i++) jobs.push({ kind: 'fleet', seed: first + i });
  else {
    // Interleaved in proportion, so a run stopped early has sampled both suites.
    let c = 0;
    let k = 0;
    while (c < runs || k < crashes) {
      if (k >= crashes || (c < runs && c * crashes <= k * runs)) jobs.push({ kind: 'chaos', seed: first + c++ });
      else jobs.push({ kind: 'crash', seed: first + k++ });
    }
  }
  const log = values.verbose ? (l: string) => console.log(l) : undefined;
  const reports: Array<RunReport & { kind: string }> = [];
  const t0 = Date.now();
  let next = 0;
  const lane = async ({ pg, pgs }: { pg: Playground; pgs?: Playgrounds }) => {
    while (next < jobs.length) {
      const job = jobs[next++];
      let r: RunReport;
      try {
        r =
          job.kind === 'fleet'
            ? await fleetRun(pgs!, job.seed, { log })
            : job.kind === 'chaos'
              ? await chaosRun(pg, job.seed, { log })
              : await crashRun(pg, job.seed, { log });
      } catch (err) {
        r = {
          seed: job.seed,
          scenario: 'harness error',
          violations: [
            `harness error: ${String((err as Error).stack ?? err)
              .split('\n')
              .slice(0, 3)
              .join(' | ')}`,
          ],
          faults: 0,
          expired: 0,
          foreignWrites: 0,
          commands: [],
        };
      }
      reports.push({ ...r, kind: job.kind });
      const tag = job.kind === 'crash' ? `k${job.seed}` : job.kind === 'fleet' ? `f${job.seed}` : String(job.seed);
      if (r.violations.length) {
        console.log(`FAIL seed ${tag} (${r.scenario})`);
        for (const v of r.violations) console.log(`    ${v}`);
        console.log(`    replay: npm run test:chaos -- --only ${tag} --verbose`);
      }
      if (reports.length % 10 === 0) {
        const bad = reports.filter((x) => x.violations.length).length;
        const faults = reports.reduce((n, x) => n + x.faults, 0);
        const expired = reports.reduce((n, x) => n + x.expired, 0);
        const foreign = reports.reduce((n, x) => n + x.foreignWrites, 0);
        console.log(
          `${reports.length}/${jobs.length} runs, ${faults} faults, ${expired} watch 410s, ${foreign} foreign writes, ${bad} with violations, ${Math.round((Date.now() - t0) / 1000)}s`,
        );
      }
    }
  };
  // A fleet lane is three clusters; its first one also serves the single-service runs of an --only list.
  const fleetLanes = jobs.some((j) => j.kind === 'fleet')
    ? await Promise.all(Array.from({ length: lanes }, () => startPlaygrounds(3)))
    : [];
  const singles = jobs.some((j) => j.kind !== 'fleet')
    ? await Promise.all(Array.from({ length: lanes }, () => startPlayground()))
    : [];
  try {
    await Promise.all(Array.from({ length: lanes }, (_, i) => lane({ pg: singles[i], pgs: fleetLanes[i] })));
  } finally {
    await Promise.all([...singles, ...fleetLanes].map((p) => p.stop()));
  }
  const failed = reports.filter((r) => r.violations.length);
  const sum = (k: 'faults' | 'expired' | 'foreignWrites', kind: string) =>
    reports.filter((r) => r.kind === kind).reduce((n, r) => n + r[k], 0);
  const cmds = reports.reduce((n, r) => n + r.commands.length, 0);
  console.log(
    `${fleet ? `fleet: ${reports.filter((r) => r.kind === 'fleet').length} runs, ` : ''}chaos: ${reports.filter((r) => r.kind === 'chaos').length} runs, crash-resume: ${reports.filter((r) => r.kind === 'crash').length} runs, ${cmds} bgctl commands, ` +
      `${sum('faults', 'chaos') + sum('faults', 'crash') + sum('faults', 'fleet')} faults injected, ${sum('expired', 'chaos') + sum('expired', 'fleet')} watch 410s, ${sum('foreignWrites', 'chaos') + sum('foreignWrites', 'fleet')} foreign writes, ` +
      `${reports.reduce((n, r) => n + (r.strikes ?? 0), 0)} strikes (pause/wait/other bgctl), ${failed.length} runs with violations, ${Math.round((Date.now() - t0) / 1000)}s`,
  );
  if (failed.length)
    console.log(
      `failing seeds: ${failed.map((r) => (r.kind === 'crash' ? `k${r.seed}` : r.kind === 'fleet' ? `f${r.seed}` : r.seed)).join(',')}`,
    );
  return failed.length ? 1 : 0;
}

process.exitCode = await runLong();
