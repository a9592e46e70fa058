// Long mode of the chaos suites (npm run test:chaos → scripts/chaos.mjs): N seeded fault runs and M
// crash-resume runs over a few playgrounds in parallel lanes. Prints each failing seed with its
// violations and a summary; exits 1 when any run found a violation.
import { parseArgs } from 'node:util';
import { startPlayground, type Playground } from '../helpers/playground.js';
import { chaosRun, type RunReport } from './scenario.js';
import { crashRun } from './crash.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '500' },
    crashes: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    lanes: { type: 'string', default: '3' },
    only: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

/** Runs the long mode and returns the process exit code. */
async function runLong(): Promise<number> {
  const first = Number(values.seed);
  const runs = Number(values.runs);
  const crashes = Number(values.crashes);
  const lanes = Math.max(1, Number(values.lanes));
  const jobs: Array<{ kind: 'chaos' | 'crash'; seed: number }> = [];
  if (values.only)
    for (const s of values.only.split(','))
      jobs.push({ kind: s.startsWith('k') ? 'crash' : 'chaos', seed: Number(s.replace(/^k/, '')) });
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
  const lane = async (pg: Playground) => {
    while (next < jobs.length) {
      const job = jobs[next++];
      let r: RunReport;
      try {
        r = job.kind === 'chaos' ? await chaosRun(pg, job.seed, { log }) : await crashRun(pg, job.seed, { log });
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
      const tag = job.kind === 'crash' ? `k${job.seed}` : String(job.seed);
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
  const pgs = await Promise.all(Array.from({ length: lanes }, () => startPlayground()));
  try {
    await Promise.all(pgs.map(lane));
  } finally {
    await Promise.all(pgs.map((pg) => pg.stop()));
  }
  const failed = reports.filter((r) => r.violations.length);
  const sum = (k: 'faults' | 'expired' | 'foreignWrites', kind: string) =>
    reports.filter((r) => r.kind === kind).reduce((n, r) => n + r[k], 0);
  const cmds = reports.reduce((n, r) => n + r.commands.length, 0);
  console.log(
    `chaos: ${reports.filter((r) => r.kind === 'chaos').length} runs, crash-resume: ${reports.filter((r) => r.kind === 'crash').length} runs, ${cmds} bgctl commands, ` +
      `${sum('faults', 'chaos') + sum('faults', 'crash')} faults injected, ${sum('expired', 'chaos')} watch 410s, ${sum('foreignWrites', 'chaos')} foreign writes, ` +
      `${reports.reduce((n, r) => n + (r.strikes ?? 0), 0)} strikes (pause/wait/other bgctl), ${failed.length} runs with violations, ${Math.round((Date.now() - t0) / 1000)}s`,
  );
  if (failed.length)
    console.log(`failing seeds: ${failed.map((r) => (r.kind === 'crash' ? `k${r.seed}` : r.seed)).join(',')}`);
  return failed.length ? 1 : 0;
}

process.exitCode = await runLong();
