// A concurrent foreign writer, at fixed moments instead of random ones: bgctl keeps targets it does
// not own through a whole release, refuses (exit 5) instead of overwriting a traffic change made
// between its read and its write, and is not thrown off by a foreign 0% tag added during its wait.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import type { KObject } from '../../src/sim/api/contracts.js';
import { Monitor, storedService } from './monitor.js';
import { chaosEnv, createService } from './scenario.js';

/** Runs `fn` once, right after the API server's next read of service `name` (between bgctl's read and its write). */
function afterNextRead(pg: ReturnType<typeof usePlayground>['current'], name: string, fn: () => void): void {
  const reg = pg.registry;
  const original = reg.get.bind(reg);
  reg.get = (def, ns, n) => {
    const obj: KObject = original(def, ns, n);
    if (def.plural === 'services' && n === name) {
      reg.get = original;
      setImmediate(fn);
    }
    return obj;
  };
}

describe('foreign writer at fixed moments', () => {
  const pg = usePlayground();
  const cli = (...argv: string[]) => runCli([...argv, '--yes', '--timeout', '20s'], { env: chaosEnv(pg.current) });

  test('a foreign tag survives pin, deploy, stage, split, promote and cleanup', async () => {
    await createService(pg.current, 'keep', false);
    const mon = new Monitor(pg.current, 'keep');
    try {
      assert.ok(mon.addForeignTag('keep-00001'));
      for (const argv of [['pin', 'keep'], ['deploy', 'keep', '--image', 'ghcr.io/bgctl/hello:v2'], ['stage', 'keep'], ['split', 'keep', '--percent', '30'], ['promote', 'keep'], ['cleanup', 'keep', '--delete-revisions']]) {
        mon.label = argv.join(' ');
        const r = await cli(...argv);
        assert.equal(r.code, 0, `${mon.label}: ${r.stderr}`);
        assert.deepEqual(mon.checkpoint(), [], mon.label);
      }
      assert.ok(mon.bgctlWrites >= 5, `bgctl wrote ${mon.bgctlWrites} times`);
      assert.deepEqual(mon.violations, []);
      const ext = storedService(pg.current.registry, 'keep')!.spec.traffic!.find((t) => t.tag === 'ext1');
      assert.deepEqual({ revisionName: ext?.revisionName, percent: ext?.percent }, { revisionName: 'keep-00001', percent: 0 });
    } finally {
      mon.stop();
    }
  });

  test('a traffic change between bgctl\'s read and its write is refused with exit 5, not overwritten', async () => {
    await createService(pg.current, 'race', true);
    assert.equal((await cli('deploy', 'race', '--image', 'ghcr.io/bgctl/hello:v2')).code, 0);
    assert.equal((await cli('stage', 'race')).code, 0);
    assert.equal((await cli('split', 'race', '--percent', '20')).code, 0);
    const mon = new Monitor(pg.current, 'race');
    try {
      // Someone re-weights the split (20 -> 60) after bgctl planned "promote" from the 20/80 it read.
      afterNextRead(pg.current, 'race', () => {
        const def = pg.current.registry.resource('services', 'serving.knative.dev')!;
        const obj = pg.current.registry.get(def, 'default', 'race');
        obj.spec.traffic = obj.spec.traffic.map((t: { tag?: string; percent?: number }) => ({ ...t, percent: t.tag === 'candidate' ? 60 : t.tag === 'stable' ? 40 : t.percent }));
        pg.current.registry.update(def, 'default', obj, { user: 'someone-else', fieldManager: 'kubectl-edit' });
      });
      mon.label = 'split 50 under a racing edit';
      const r = await cli('split', 'race', '--percent', '50');
      const traffic = storedService(pg.current.registry, 'race')!.spec.traffic!;
      const pct = (tag: string) => traffic.find((t) => t.tag === tag)?.percent;
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, /^Error: .*(changed|no longer)/m);
      assert.deepEqual([pct('stable'), pct('candidate')], [40, 60], 'the foreign change stands');
    } finally {
      mon.stop();
    }
  });

  test('the monitor flags, at commit time, a write that breaks the oracle', async () => {
    await createService(pg.current, 'flagged', true);
    const mon = new Monitor(pg.current, 'flagged');
    try {
      assert.ok(mon.addForeignTag('flagged-00001'));
      const def = pg.current.registry.resource('services', 'serving.knative.dev')!;
      // A non-foreign write that drops the foreign tag and records a split the traffic does not show.
      const rollout = { v: 1, id: 'x', phase: 'split', stable: { revision: 'flagged-00001', tag: 'stable' }, candidate: { revision: 'flagged-00001', tag: 'candidate' }, percent: 50, steps: [50], step: 0 };
      pg.current.registry.patch(def, 'default', 'flagged', 'merge', { metadata: { annotations: { 'bgctl.dev/rollout': JSON.stringify(rollout) } }, spec: { traffic: [{ revisionName: 'flagged-00001', percent: 100 }] } }, { user: 'system:admin', fieldManager: 'broken-tool' });
      assert.ok(mon.violations.some((v) => /foreign target tag ext1 -> flagged-00001 was dropped/.test(v)), mon.violations.join('\n'));
      assert.ok(mon.violations.some((v) => /phase split: tag candidate does not route/.test(v)), mon.violations.join('\n'));
    } finally {
      mon.stop();
    }
  });

  test(
    'a foreign 0% tag added while bgctl waits does not make it time out',
    async () => {
      await createService(pg.current, 'waits', true);
      const mon = new Monitor(pg.current, 'waits');
      try {
        mon.afterNextBgctlWrite(() => setImmediate(() => mon.addForeignTag('waits-00001')));
        const r = await runCli(['deploy', 'waits', '--image', 'ghcr.io/bgctl/hello:v2', '--yes', '--timeout', '8s'], { env: chaosEnv(pg.current) });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(mon.foreign.size, 1);
      } finally {
        mon.stop();
      }
    },
  );
});
