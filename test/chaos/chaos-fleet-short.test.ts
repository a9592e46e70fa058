// Short mode of the fleet chaos scenarios (test/chaos/fleet.ts): one fleet rollout with mixed faults in one of
// three clusters, and one SIGKILLed mid-fleet then resumed, each target watched by the oracle. The long mode is
// `npm run test:chaos -- --fleet`. CHAOS_FLEET_SEEDS=1,2 overrides.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPlaygrounds, type Playgrounds } from '../../src/sim/playground.js';
import { fleetRun } from './fleet.js';

const DEFAULT_SEEDS = ['3', '2'];

describe('fleet chaos (short mode)', { timeout: 300_000 }, () => {
  let pgs: Playgrounds;
  before(async () => {
    pgs = await startPlaygrounds(3);
  });
  after(async () => {
    await pgs?.stop();
  });

  for (const s of (process.env.CHAOS_FLEET_SEEDS ?? DEFAULT_SEEDS.join(',')).split(',').filter(Boolean)) {
    test(`fleet run seed f${s}`, async () => {
      const r = await fleetRun(pgs, Number(s));
      assert.ok(r.commands.length > 0, `seed f${s} ran no command`);
      assert.deepEqual(
        r.violations,
        [],
        [
          `fleet seed f${s} (${r.scenario}) broke ${r.violations.length} invariant(s):`,
          ...r.violations.map((v) => `  ${v}`),
          `replay: npm run test:chaos -- --only f${s} --verbose`,
        ].join('\n'),
      );
      if (!process.env.CHAOS_FLEET_SEEDS) {
        if (/fleet faults/.test(r.scenario)) assert.ok(r.faults > 0, `seed f${s}: no fault was injected`);
        if (/fleet crash/.test(r.scenario))
          assert.ok(
            r.commands.some((c) => c.code === 137),
            'the child was never killed',
          );
      }
    });
  }
});
