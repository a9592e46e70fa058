// Short mode of the chaos suites (runs inside `npm test`): a few seeds chosen to cover distinct fault
// profiles — 410 Expired on watch resume with a failing verification, then another bgctl rolling
// back during the pause (64); mixed faults (409/500/503/429, latency, closed watches) with a person
// re-weighting traffic during the pause, then a failing revision (104) — and one crash-resume kill
// inside a write's commit. The long mode
// (npm run test:chaos) runs hundreds of seeds with the same code. CHAOS_SEEDS=1,2,k3 overrides.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPlayground, type Playground } from '../helpers/playground.js';
import { chaosRun, type RunReport } from './scenario.js';
import { crashRun } from './crash.js';

const DEFAULT_SEEDS = ['64', '104', 'k2'];

function explain(kind: string, r: RunReport): string {
  return [
    `${kind} seed ${r.seed} (${r.scenario}) broke ${r.violations.length} invariant(s):`,
    ...r.violations.map((v) => `  ${v}`),
    `replay: npm run test:chaos -- --only ${kind === 'crash' ? 'k' : ''}${r.seed} --verbose`,
  ].join('\n');
}

// The suite gets its own timeout: on a loaded machine three runs can outlast the runner's 120 s default.
describe('chaos (short mode)', { concurrency: 2, timeout: 300_000 }, () => {
  const pool: Playground[] = [];
  const free: Playground[] = [];
  const waiting: Array<(pg: Playground) => void> = [];
  const take = (): Promise<Playground> =>
    free.length ? Promise.resolve(free.pop()!) : new Promise((r) => waiting.push(r));
  const give = (pg: Playground): void => {
    const w = waiting.shift();
    if (w) w(pg);
    else free.push(pg);
  };
  before(async () => {
    pool.push(...(await Promise.all([startPlayground(), startPlayground()])));
    free.push(...pool);
  });
  after(async () => {
    await Promise.all(pool.map((pg) => pg.stop()));
  });

  const seeds = (process.env.CHAOS_SEEDS ?? DEFAULT_SEEDS.join(',')).split(',').filter(Boolean);
  for (const s of seeds) {
    const crash = s.startsWith('k');
    const seed = Number(s.replace(/^k/, ''));
    test(`${crash ? 'crash-resume' : 'fault run'} seed ${s}`, async () => {
      const pg = await take();
      try {
        const r = crash ? await crashRun(pg, seed) : await chaosRun(pg, seed);
        assert.ok(r.commands.length > 0, `seed ${s} ran no command`);
        assert.deepEqual(r.violations, [], explain(crash ? 'crash' : 'chaos', r));
        if (!crash && /watch-410/.test(r.scenario))
          assert.ok(r.expired > 0, `seed ${s}: the watch-410 profile delivered no 410 Expired`);
        if (!crash && /conflict-storm|errors-500|unavailable-503|throttle-429|mixed/.test(r.scenario))
          assert.ok(r.faults > 0, `seed ${s}: no fault was injected`);
        if (!crash && /pause-strike|wait-strike|other-bgctl/.test(r.scenario) && !process.env.CHAOS_SEEDS)
          assert.ok((r.strikes ?? 0) > 0, `seed ${s}: the strike never hit its moment`);
      } finally {
        give(pg);
      }
    });
  }
});
