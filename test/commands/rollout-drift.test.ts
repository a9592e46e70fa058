// A person changes the traffic, or another bgctl closes the rollout, while an unattended rollout
// pauses between splits: the paused run must stop with exit 5 and leave the traffic exactly as the
// person set it, saying what changed, who and when. Only --take-over continues from it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground, type Playground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { createKubectl, requireKubectl } from '../helpers/kubectl.js';
import { main } from '../../src/cli.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import { readState } from '../../src/core/state.js';
import { ConflictError } from '../../src/core/errors.js';
import { PromptWithSideEffect } from '../helpers/fake-prompter.js';
import { runWizard } from '../../src/commands/rollout/wizard.js';
import { ASK } from '../../src/commands/rollout/ask.js';
import { rolloutOptions } from '../helpers/rollout-options.js';
import {
  cliEnv,
  createReadyService,
  foreignMergePatch,
  getService,
  specTraffic,
  testContext,
  waitForStored,
} from './step-helpers.js';

/** Runs bgctl in-process and calls `during` once its stderr shows `marker` (e.g. the pause line). */
async function runUntil(pg: Playground, argv: string[], marker: RegExp, during: () => Promise<void>) {
  const io = IOStreams.test({ env: { NO_COLOR: '1', ...cliEnv(pg) } });
  const run = main(argv, { io });
  let fired = false;
  const poll = (async () => {
    for (let i = 0; i < 600 && !fired; i++) {
      if (marker.test(io.stderr)) {
        fired = true;
        await during();
        return;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const code = await run;
  await poll;
  return { code, stdout: io.stdout, stderr: io.stderr, fired };
}

const PAUSING = /Pausing \d+s at 10% before the next step/;
const rolloutArgs = (name: string, pause: string) => [
  'rollout',
  name,
  '--image',
  'ghcr.io/bgctl/hello:v2',
  '--yes',
  '--no-verify',
  '--steps',
  '10,100',
  '--pause',
  pause,
  '--timeout',
  '20s',
];

async function pinned(pg: Playground, name: string): Promise<void> {
  await createReadyService(pg, name);
  foreignMergePatch(pg, name, { spec: { traffic: [{ revisionName: `${name}-00001`, percent: 100 }] } });
}

describe('a change made while a rollout pauses is never overwritten', () => {
  const pg = usePlayground();

  test('kubectl patch back to 100% stable during the pause: exit 5 naming kubectl-patch, traffic as the person set it', async (t) => {
    const bin = requireKubectl(t);
    if (!bin) return;
    await pinned(pg.current, 'dpatch');
    const r = await runUntil(pg.current, rolloutArgs('dpatch', '6s'), PAUSING, async () => {
      const patch = JSON.stringify({
        spec: {
          traffic: [
            { tag: 'stable', revisionName: 'dpatch-00001', percent: 100 },
            { tag: 'candidate', revisionName: 'dpatch-00002', percent: 0 },
          ],
        },
      });
      const k = createKubectl(bin as string, pg.current.kubeconfigPath);
      try {
        const res = await k.run(['patch', 'ksvc', 'dpatch', '--type', 'merge', '-p', patch]);
        assert.equal(res.code, 0, res.stderr);
      } finally {
        k.dispose();
      }
    });
    assert.ok(r.fired, 'the run never paused');
    assert.equal(r.code, 5, r.stderr);
    assert.match(
      r.stderr,
      /^Error: will not promote: the traffic of service "dpatch" was changed by kubectl-patch at \d{4}-\d\d-\d\dT[\d:]+Z after bgctl recorded rollout \S+ \(split\): candidate "dpatch-00002" has 0%, the rollout recorded 10%; revision "dpatch-00001" has 100%, bgctl left it 90%$/m,
    );
    assert.match(r.stderr, /^Hint: .*--take-over/m);
    assert.deepEqual(specTraffic(pg.current, 'dpatch'), [
      { tag: 'stable', revisionName: 'dpatch-00001', percent: 100 },
      { tag: 'candidate', revisionName: 'dpatch-00002', percent: 0 },
    ]);
    assert.equal(
      readState(getService(pg.current, 'dpatch')).state?.phase,
      'split',
      'the rollout stays open for the person to decide',
    );
  });

  test('a 70/30 re-weighting during the pause: exit 5, the 70/30 stands; --resume is refused too; --resume --take-over continues from it', async () => {
    await pinned(pg.current, 'dweight');
    const r = await runUntil(pg.current, rolloutArgs('dweight', '3s'), PAUSING, async () => {
      const traffic = getService(pg.current, 'dweight').spec.traffic!.map((x) => ({
        ...x,
        percent: x.tag === 'candidate' ? 30 : x.tag === 'stable' ? 70 : x.percent,
      }));
      pg.current.registry.patch(
        pg.current.registry.resource('services', 'serving.knative.dev')!,
        'default',
        'dweight',
        'merge',
        { spec: { traffic } },
        { user: 'alice', fieldManager: 'kubectl-edit' },
      );
    });
    assert.ok(r.fired);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /changed by kubectl-edit at .*candidate "dweight-00002" has 30%, the rollout recorded 10%/);
    const weights = () =>
      specTraffic(pg.current, 'dweight')
        .map((x) => `${x.tag}=${x.percent}`)
        .join(',');
    assert.equal(weights(), 'stable=70,candidate=30');

    const resume = await runCli(['rollout', 'dweight', '--resume', '--no-verify', '--yes', '--timeout', '20s'], {
      env: cliEnv(pg.current),
    });
    assert.equal(resume.code, 5, resume.stderr);
    assert.match(resume.stderr, /will not resume: .*changed by kubectl-edit/);
    assert.equal(weights(), 'stable=70,candidate=30');

    const takeOver = await runCli(
      ['rollout', 'dweight', '--resume', '--take-over', '--no-verify', '--yes', '--timeout', '20s'],
      { env: cliEnv(pg.current) },
    );
    assert.equal(takeOver.code, 0, takeOver.stderr);
    const st = readState(getService(pg.current, 'dweight')).state;
    assert.equal(st?.phase, 'promoted');
    assert.equal(specTraffic(pg.current, 'dweight').find((x) => x.tag === 'candidate')?.percent, 100);
  });

  test("stable's percent moved onto a third revision during the pause (candidate untouched): exit 5, the person's routing stands", async () => {
    await pinned(pg.current, 'dthird');
    // A third revision that exists with no traffic.
    foreignMergePatch(pg.current, 'dthird', {
      spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v0' }] } } },
    });
    await waitForStored(pg.current, 'dthird', (o) => o.status?.latestReadyRevisionName === 'dthird-00002');
    const r = await runUntil(
      pg.current,
      [
        'rollout',
        'dthird',
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--yes',
        '--no-verify',
        '--steps',
        '10,50,100',
        '--pause',
        '3s',
        '--timeout',
        '20s',
      ],
      PAUSING,
      async () => {
        const traffic = [
          ...getService(pg.current, 'dthird').spec.traffic!.map((x) => ({
            ...x,
            percent: x.tag === 'stable' ? 60 : x.percent,
          })),
          { revisionName: 'dthird-00002', percent: 30 },
        ];
        foreignMergePatch(pg.current, 'dthird', { spec: { traffic } });
      },
    );
    assert.ok(r.fired);
    assert.equal(r.code, 5, r.stderr);
    assert.match(
      r.stderr,
      /will not split: .*changed by kubectl at .*revision "dthird-00001" has 60%, bgctl left it 90%; revision "dthird-00002" has 30%, bgctl left it 0%/,
    );
    assert.deepEqual(
      specTraffic(pg.current, 'dthird')
        .map((x) => `${x.tag ?? '-'}:${x.revisionName}=${x.percent}`)
        .sort(),
      ['-:dthird-00002=30', 'candidate:dthird-00003=10', 'stable:dthird-00001=60'],
    );
  });

  test('--resume --take-over adopts what it found, never a change made during its own pause', async () => {
    await pinned(pg.current, 'dadopt');
    const env = cliEnv(pg.current);
    const open = await runCli(
      [
        'rollout',
        'dadopt',
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--no-verify',
        '--steps',
        '10,50,100',
        '--until',
        'split',
        '--yes',
        '--timeout',
        '20s',
      ],
      { env },
    );
    assert.equal(open.code, 8, open.stderr);
    const set = (stable: number, candidate: number) => {
      const traffic = getService(pg.current, 'dadopt').spec.traffic!.map((x) => ({
        ...x,
        percent: x.tag === 'candidate' ? candidate : x.tag === 'stable' ? stable : x.percent,
      }));
      foreignMergePatch(pg.current, 'dadopt', { spec: { traffic } });
    };
    set(70, 30);
    const r = await runUntil(
      pg.current,
      ['rollout', 'dadopt', '--resume', '--take-over', '--no-verify', '--pause', '3s', '--yes', '--timeout', '20s'],
      /Pausing \d+s at/,
      async () => set(100, 0),
    );
    assert.ok(r.fired);
    assert.equal(r.code, 5, r.stderr);
    // --until split stopped after the last split (50%): the pause comes before promote.
    assert.match(r.stderr, /will not promote: .*candidate "dadopt-00002" has 0%, the rollout recorded 50%/);
    assert.deepEqual(
      specTraffic(pg.current, 'dadopt').map((x) => x.percent),
      [100, 0],
      'the revert made during the pause stands',
    );
  });

  test('a step verb refuses drifted traffic too, and --take-over on it continues', async () => {
    await pinned(pg.current, 'dverb');
    const env = cliEnv(pg.current);
    for (const argv of [
      ['deploy', 'dverb', '--image', 'ghcr.io/bgctl/hello:v2'],
      ['stage', 'dverb'],
      ['split', 'dverb', '--percent', '20'],
    ]) {
      const r = await runCli([...argv, '--yes', '--timeout', '20s'], { env });
      assert.equal(r.code, 0, r.stderr);
    }
    const traffic = getService(pg.current, 'dverb').spec.traffic!.map((x) => ({
      ...x,
      percent: x.tag === 'candidate' ? 0 : x.tag === 'stable' ? 100 : x.percent,
    }));
    foreignMergePatch(pg.current, 'dverb', { spec: { traffic } });
    const refused = await runCli(['promote', 'dverb', '--yes', '--timeout', '20s'], { env });
    assert.equal(refused.code, 5, refused.stderr);
    assert.match(refused.stderr, /will not promote: .*changed by kubectl/);
    assert.equal(specTraffic(pg.current, 'dverb').find((x) => x.tag === 'stable')?.percent, 100);
    const split = await runCli(['split', 'dverb', '--percent', '50', '--yes', '--timeout', '20s', '-o', 'json'], {
      env,
    });
    assert.equal(split.code, 5, split.stderr);
    assert.equal(JSON.parse(split.stdout).reason, 'Drift');
    const taken = await runCli(['split', 'dverb', '--percent', '50', '--take-over', '--yes', '--timeout', '20s'], {
      env,
    });
    assert.equal(taken.code, 0, taken.stderr);
    assert.equal(specTraffic(pg.current, 'dverb').find((x) => x.tag === 'candidate')?.percent, 50);
  });

  for (const [verb, argv, phase] of [
    ['rollback', (n: string) => ['rollback', n], 'rolled-back'],
    ['rollout --abort', (n: string) => ['rollout', n, '--abort'], 'aborted'],
  ] as const) {
    test(`another bgctl runs ${verb} during the pause: the paused run exits 5 and says who closed it`, async () => {
      const name = verb === 'rollback' ? 'drb' : 'dab';
      await pinned(pg.current, name);
      const r = await runUntil(pg.current, rolloutArgs(name, '3s'), PAUSING, async () => {
        const other = await runCli([...argv(name), '--yes', '--timeout', '20s'], {
          env: { ...cliEnv(pg.current), BGCTL_ACTOR: 'bob' },
        });
        assert.equal(other.code, 0, other.stderr);
      });
      assert.ok(r.fired);
      assert.equal(r.code, 5, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^Error: stopped: while this run waited, rollout \\S+ was moved from split to ${phase} by bob at `,
          'm',
        ),
      );
      const st = readState(getService(pg.current, name)).state;
      assert.equal(st?.phase, phase, "the other bgctl's decision stands");
      assert.equal(specTraffic(pg.current, name).find((x) => x.tag === 'stable')?.percent, 100);
    });
  }

  test('another bgctl takes over and starts a new rollout during the pause: exit 5 naming the new rollout', async () => {
    await pinned(pg.current, 'dtake');
    const r = await runUntil(pg.current, rolloutArgs('dtake', '10s'), PAUSING, async () => {
      const env = { ...cliEnv(pg.current), BGCTL_ACTOR: 'carol' };
      const pin = await runCli(
        ['pin', 'dtake', '--revision', 'dtake-00001', '--take-over', '--yes', '--timeout', '20s'],
        { env },
      );
      assert.equal(pin.code, 0, pin.stderr);
      const other = await runCli(
        [
          'rollout',
          'dtake',
          '--image',
          'ghcr.io/bgctl/hello:v3',
          '--until',
          'staged',
          '--no-verify',
          '--yes',
          '--timeout',
          '20s',
        ],
        { env, now: () => new Date('2026-12-07T10:00:00Z') },
      );
      assert.equal(other.code, 8, other.stderr);
    });
    assert.ok(r.fired);
    assert.equal(r.code, 5, r.stderr);
    assert.match(
      r.stderr,
      /stopped: while this run waited, rollout \S+ was replaced by rollout dtake-20261207100000 \(staged\), started by carol/,
    );
    assert.equal(readState(getService(pg.current, 'dtake')).state?.id, 'dtake-20261207100000');
  });

  for (const answer of ['stop', 'take-over'] as const) {
    test(`wizard: traffic changed while "Next step" was asked; the user answers ${answer}`, async () => {
      const name = `dwiz-${answer}`;
      await pinned(pg.current, name);
      const env = cliEnv(pg.current);
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
        { env },
      );
      assert.equal(split.code, 8, split.stderr);
      const reweigh = () => {
        const traffic = getService(pg.current, name).spec.traffic!.map((x) => ({
          ...x,
          percent: x.tag === 'candidate' ? 40 : x.tag === 'stable' ? 60 : x.percent,
        }));
        foreignMergePatch(pg.current, name, { spec: { traffic } });
      };
      const answers: Array<readonly [string, unknown]> = [
        [ASK.inProgress, 'resume'],
        [ASK.next, 'continue'],
        [ASK.drifted, answer],
      ];
      if (answer === 'take-over') answers.push(['Promote ' + `${name}-00002 to 100% of traffic?`, true]);
      const prompter = new PromptWithSideEffect(answers, ASK.next, reweigh);
      const ctx = testContext(pg.current, { tty: true, prompter });
      const run = runWizard(ctx, name, rolloutOptions({ wait: true, timeout: '20s', retire: true }));
      if (answer === 'stop') {
        await assert.rejects(
          run,
          (err: unknown) =>
            err instanceof ConflictError &&
            /will not promote: .*changed by kubectl at .*has 40%, the rollout recorded 10%/.test(err.message),
        );
        assert.deepEqual(
          specTraffic(pg.current, name).map((x) => x.percent),
          [60, 40],
          "the person's 60/40 stands",
        );
      } else {
        await run;
        assert.equal(readState(getService(pg.current, name)).state?.phase, 'promoted');
      }
      prompter.assertAllConsumed();
      assert.match(ctx.io.stderr, /changed by kubectl at/);
    });
  }
});
