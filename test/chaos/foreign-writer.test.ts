// A concurrent foreign writer, at fixed moments instead of random ones: bgctl keeps targets it does
// not own through a whole release, refuses (exit 5) instead of overwriting a traffic change made
// between its read and its write, during a pause, a wait or a wizard prompt, and is not thrown off
// by a foreign 0% tag added during its wait. The oracle itself flags a write over such a change.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import type { KObject } from '../../src/sim/api/contracts.js';
import { ConflictError } from '../../src/core/errors.js';
import { PromptWithSideEffect } from '../helpers/fake-prompter.js';
import { runWizard } from '../../src/commands/rollout/wizard.js';
import { ASK } from '../../src/commands/rollout/ask.js';
import { rolloutOptions } from '../helpers/rollout-options.js';
import { testContext } from '../commands/step-helpers.js';
import { fmtRouting, routingOf } from './invariants.js';
import { Monitor, storedService } from './monitor.js';
import { chaosEnv, createService } from './scenario.js';
import { splitRouted, strike, type Struck } from './strike.js';

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
      for (const argv of [
        ['pin', 'keep'],
        ['deploy', 'keep', '--image', 'ghcr.io/bgctl/hello:v2'],
        ['stage', 'keep'],
        ['split', 'keep', '--percent', '30'],
        ['promote', 'keep'],
        ['cleanup', 'keep', '--delete-revisions'],
      ]) {
        mon.label = argv.join(' ');
        const r = await cli(...argv);
        assert.equal(r.code, 0, `${mon.label}: ${r.stderr}`);
        assert.deepEqual(mon.checkpoint(), [], mon.label);
      }
      assert.ok(mon.bgctlWrites >= 5, `bgctl wrote ${mon.bgctlWrites} times`);
      assert.deepEqual(mon.violations, []);
      const ext = storedService(pg.current.registry, 'keep')!.spec.traffic!.find((t) => t.tag === 'ext1');
      assert.deepEqual(
        { revisionName: ext?.revisionName, percent: ext?.percent },
        { revisionName: 'keep-00001', percent: 0 },
      );
    } finally {
      mon.stop();
    }
  });

  test("a traffic change between bgctl's read and its write is refused with exit 5, not overwritten", async () => {
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
        obj.spec.traffic = obj.spec.traffic.map((t: { tag?: string; percent?: number }) => ({
          ...t,
          percent: t.tag === 'candidate' ? 60 : t.tag === 'stable' ? 40 : t.percent,
        }));
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
      const rollout = {
        v: 1,
        id: 'x',
        phase: 'split',
        stable: { revision: 'flagged-00001', tag: 'stable' },
        candidate: { revision: 'flagged-00001', tag: 'candidate' },
        percent: 50,
        steps: [50],
        step: 0,
      };
      pg.current.registry.patch(
        def,
        'default',
        'flagged',
        'merge',
        {
          metadata: { annotations: { 'bgctl.dev/rollout': JSON.stringify(rollout) } },
          spec: { traffic: [{ revisionName: 'flagged-00001', percent: 100 }] },
        },
        { user: 'system:admin', fieldManager: 'broken-tool' },
      );
      assert.ok(
        mon.violations.some((v) => /foreign target tag ext1 -> flagged-00001 was dropped/.test(v)),
        mon.violations.join('\n'),
      );
      assert.ok(
        mon.violations.some((v) => /phase split: tag candidate does not route/.test(v)),
        mon.violations.join('\n'),
      );
    } finally {
      mon.stop();
    }
  });

  test('a foreign 0% tag added while bgctl waits does not make it time out', async () => {
    await createService(pg.current, 'waits', true);
    const mon = new Monitor(pg.current, 'waits');
    try {
      mon.afterNextBgctlWrite(() => setImmediate(() => mon.addForeignTag('waits-00001')));
      const r = await runCli(['deploy', 'waits', '--image', 'ghcr.io/bgctl/hello:v2', '--yes', '--timeout', '8s'], {
        env: chaosEnv(pg.current),
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(mon.foreign.size, 1);
    } finally {
      mon.stop();
    }
  });

  test("a foreign 0% tag its owner removes while bgctl waits is no conflict: exit 0, nothing of bgctl's was touched", async () => {
    await createService(pg.current, 'drops', true);
    const mon = new Monitor(pg.current, 'drops');
    try {
      assert.ok(mon.addForeignTag('drops-00001'));
      const tag = [...mon.foreign.keys()][0];
      const env = chaosEnv(pg.current);
      for (const argv of [
        ['deploy', 'drops', '--image', 'ghcr.io/bgctl/hello:v2'],
        ['stage', 'drops'],
      ])
        assert.equal((await runCli([...argv, '--yes', '--timeout', '8s'], { env })).code, 0);
      mon.afterNextBgctlWrite(() => setImmediate(() => assert.ok(mon.removeForeignTag(tag))));
      const r = await runCli(['split', 'drops', '--percent', '30', '--yes', '--timeout', '8s'], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(mon.foreign.size, 0, 'the owner removed its tag during the wait');
      assert.deepEqual(mon.violations, []);
    } finally {
      mon.stop();
    }
  });
});

describe('a person changes the traffic during a pause, a wait or a prompt: bgctl never writes over it', () => {
  const pg = usePlayground();
  const run = (mon: Monitor, argv: string[]) => {
    mon.command = argv;
    mon.label = argv.join(' ');
    return runCli(argv, { env: chaosEnv(pg.current) });
  };
  const routing = (name: string) => fmtRouting(routingOf(storedService(pg.current.registry, name)?.spec.traffic));

  test('during the pause of an unattended rollout (70/30): exit 5, the 70/30 stands; --resume --take-over then promotes', async () => {
    await createService(pg.current, 'spause', true);
    const mon = new Monitor(pg.current, 'spause');
    try {
      let struck: Struck | undefined;
      mon.whenStored(splitRouted, () =>
        setTimeout(() => (struck = strike(mon, '70-30', storedService(pg.current.registry, 'spause'))), 200),
      );
      const r = await run(mon, [
        'rollout',
        'spause',
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--steps',
        '10,50,100',
        '--pause',
        '3s',
        '--no-verify',
        '--yes',
        '--timeout',
        '20s',
      ]);
      assert.ok(struck, 'the split was never routed');
      assert.equal(r.code, 5, r.stderr);
      assert.equal(routing('spause'), 'spause-00001 70%, spause-00002 30%');
      assert.deepEqual(mon.violations, []);
      const resume = await run(mon, [
        'rollout',
        'spause',
        '--resume',
        '--take-over',
        '--no-verify',
        '--yes',
        '--timeout',
        '20s',
      ]);
      assert.equal(resume.code, 0, resume.stderr);
      assert.equal(routing('spause'), 'spause-00002 100%');
      assert.deepEqual(mon.violations, []);
    } finally {
      mon.stop();
    }
  });

  test("during the wait after a split write (everything back to stable): exit 5, the person's routing stands; --abort closes it", async () => {
    await createService(pg.current, 'swait', true);
    const mon = new Monitor(pg.current, 'swait');
    try {
      let struck: Struck | undefined;
      const arm = (): void =>
        mon.afterNextBgctlWrite(() =>
          storedService(pg.current.registry, 'swait')?.metadata.annotations?.['bgctl.dev/phase'] === 'split'
            ? setImmediate(() => (struck = strike(mon, 'stable-100', storedService(pg.current.registry, 'swait'))))
            : arm(),
        );
      arm();
      const r = await run(mon, [
        'rollout',
        'swait',
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--steps',
        '50,100',
        '--no-verify',
        '--yes',
        '--timeout',
        '20s',
      ]);
      assert.equal(struck?.text, 'swait-00001 100%');
      assert.equal(r.code, 5, r.stderr);
      assert.equal(routing('swait'), 'swait-00001 100%');
      const abort = await run(mon, ['rollout', 'swait', '--abort', '--yes', '--timeout', '20s']);
      assert.equal(abort.code, 0, abort.stderr);
      assert.deepEqual(mon.violations, []);
    } finally {
      mon.stop();
    }
  });

  for (const answer of ['stop', 'take-over'] as const) {
    test(`while the wizard asks "Next step" (answer ${answer}): the oracle sees no write over the change`, async () => {
      const name = `sprompt-${answer}`;
      await createService(pg.current, name, true);
      const mon = new Monitor(pg.current, name, { actor: 'tester' });
      try {
        const split = await runCli(
          [
            'rollout',
            name,
            '--image',
            'ghcr.io/bgctl/hello:v2',
            '--no-verify',
            '--steps',
            '10,100',
            '--until',
            'split',
            '--yes',
            '--timeout',
            '20s',
          ],
          { env: { ...chaosEnv(pg.current), BGCTL_ACTOR: 'tester' } },
        );
        assert.equal(split.code, 8, split.stderr);
        let struck: Struck | undefined;
        const answers: Array<readonly [string, unknown]> = [
          [ASK.inProgress, 'resume'],
          [ASK.next, 'continue'],
          [ASK.drifted, answer],
        ];
        if (answer === 'take-over') answers.push([`Promote ${name}-00002 to 100% of traffic?`, true]);
        const prompter = new PromptWithSideEffect(
          answers,
          ASK.next,
          () => (struck = strike(mon, '70-30', storedService(pg.current.registry, name))),
        );
        // The wizard's "take over" answer is its --take-over.
        mon.command = ['rollout', name, ...(answer === 'take-over' ? ['--take-over'] : [])];
        const wizard = runWizard(
          testContext(pg.current, { tty: true, prompter }),
          name,
          rolloutOptions({ wait: true, timeout: '20s', retire: true }),
        );
        if (answer === 'stop') {
          await assert.rejects(wizard, (err: unknown) => err instanceof ConflictError && err.reason === 'Drift');
          assert.equal(routing(name), struck?.text);
        } else {
          await wizard;
          assert.equal(routing(name), `${name}-00002 100%`);
        }
        prompter.assertAllConsumed();
        assert.deepEqual(mon.violations, []);
      } finally {
        mon.stop();
      }
    });
  }

  test("the oracle flags a write over a person's change, unless the command takes over", async () => {
    await createService(pg.current, 'sflag', true);
    assert.equal(
      (
        await runCli(
          [
            'rollout',
            'sflag',
            '--image',
            'ghcr.io/bgctl/hello:v2',
            '--no-verify',
            '--steps',
            '10,100',
            '--until',
            'split',
            '--yes',
            '--timeout',
            '20s',
          ],
          { env: chaosEnv(pg.current) },
        )
      ).code,
      8,
    );
    const mon = new Monitor(pg.current, 'sflag');
    try {
      assert.ok(strike(mon, 'stable-100', storedService(pg.current.registry, 'sflag')));
      const def = pg.current.registry.resource('services', 'serving.knative.dev')!;
      // What the unfixed promote did: 100% to the candidate over the person's "back to stable".
      const promoteOver = (argv: string[]) => {
        mon.command = argv;
        const obj = pg.current.registry.get(def, 'default', 'sflag');
        const st = JSON.parse(obj.metadata.annotations?.['bgctl.dev/rollout'] ?? '{}');
        const traffic = obj.spec.traffic.map((t: { tag?: string }) => ({
          ...t,
          percent: t.tag === 'candidate' ? 100 : 0,
        }));
        pg.current.registry.patch(
          def,
          'default',
          'sflag',
          'merge',
          {
            metadata: {
              annotations: { 'bgctl.dev/rollout': JSON.stringify({ ...st, phase: 'promoted', percent: 100 }) },
            },
            spec: { traffic },
          },
          { user: 'system:admin', fieldManager: 'bgctl' },
        );
      };
      promoteOver(['promote', 'sflag', '--take-over']);
      assert.deepEqual(mon.violations, [], 'told to take over');
      assert.ok(strike(mon, '70-30', storedService(pg.current.registry, 'sflag')));
      promoteOver(['promote', 'sflag']);
      assert.equal(mon.violations.length, 1, mon.violations.join('\n'));
      assert.match(
        mon.violations[0],
        /bgctl promote sflag as chaos wrote over a traffic change it did not make: bgctl had left sflag-00002 100%, someone else set sflag-00001 70%, sflag-00002 30%, bgctl wrote sflag-00002 100%/,
      );
    } finally {
      mon.stop();
    }
  });
});
