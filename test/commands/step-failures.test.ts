// Exit codes of the step verbs when something goes wrong: a failing or slow revision (the
// playground's template knobs through deploy --annotation), planner refusals, and bad flags that
// must stop before any request.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { requests, sim } from '../kube/sim-helpers.js';
import { cliEnv, createReadyService, getRevision, getService, specTraffic } from './step-helpers.js';
import { readState } from '../../src/core/state.js';

describe('step verbs: failures and refusals', () => {
  const pg = usePlayground();
  const cli = (...argv: string[]) => runCli(argv, { env: cliEnv(pg.current) });
  beforeEach(async () => {
    await sim(pg.current, 'DELETE', 'requests');
  });

  test("a revision that fails (ContainerMissing) exits 1 with Knative's reason; traffic stays put", async () => {
    await createReadyService(pg.current, 'broken');
    const r = await cli(
      'deploy',
      'broken',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/fail=ContainerMissing',
      '--yes',
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Error: revision "broken-00002" of service "broken" failed: ContainerMissing: /);
    assert.match(
      r.stderr,
      /Hint: traffic is unchanged \(broken-00001 100%\); close the rollout with bgctl rollback broken/,
    );
    assert.equal(
      getRevision(pg.current, 'broken-00002')?.metadata.annotations?.['sim.bgctl.dev/fail'],
      'ContainerMissing',
    );
    assert.deepEqual(specTraffic(pg.current, 'broken'), [{ revisionName: 'broken-00001', percent: 100 }]);
  });

  test('rollback after a failed deploy succeeds although the service stays Ready=False', async () => {
    const r = await cli('rollback', 'broken', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Traffic of broken is routed as planned, but the service is not Ready/);
    assert.equal(readState(getService(pg.current, 'broken')).state?.phase, 'rolled-back');
    assert.deepEqual(specTraffic(pg.current, 'broken'), [{ revisionName: 'broken-00001', percent: 100 }]);
  });

  test('deploy --annotation alone makes a new revision with the same image', async () => {
    await createReadyService(pg.current, 'knob');
    const r = await cli('deploy', 'knob', '--annotation', 'sim.bgctl.dev/latency=5ms', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^Template of knob against the serving revision knob-00001 \(Knative creates a new revision\):\n {2}annotation sim\.bgctl\.dev\/latency: \(unset\) -> 5ms\n/m,
    );
    assert.doesNotMatch(r.stderr, /^ {2}image:/m, 'the image did not change');
    assert.match(r.stdout, /New revision: knob-00002 \(0% of the traffic\)/);
    const rev = getRevision(pg.current, 'knob-00002');
    assert.equal(rev?.metadata.annotations?.['sim.bgctl.dev/latency'], '5ms');
    assert.equal(rev?.spec.containers[0].image, 'ghcr.io/bgctl/hello:v1');
    assert.deepEqual(specTraffic(pg.current, 'knob'), [{ revisionName: 'knob-00001', percent: 100 }]);
  });

  test('a deploy after a failed revision shows the setting it carries over from it, not just the new image', async () => {
    await createReadyService(pg.current, 'carry');
    const failed = await cli(
      'deploy',
      'carry',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/fail=ContainerMissing',
      '--env',
      'MODE=green',
      '--yes',
    );
    assert.equal(failed.code, 1, failed.stderr);
    const r = await cli('deploy', 'carry', '--image', 'ghcr.io/bgctl/hello:v3', '--take-over', '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const at = lines.indexOf(
      'Template of carry against the serving revision carry-00001 (Knative creates a new revision):',
    );
    assert.ok(at >= 0, r.stdout);
    assert.deepEqual(lines.slice(at + 1, at + 4), [
      '  image: ghcr.io/bgctl/hello:v1 -> ghcr.io/bgctl/hello:v3',
      '  env MODE: (unset) -> green   (kept from carry-00002, which failed)',
      '  annotation sim.bgctl.dev/fail: (unset) -> ContainerMissing   (kept from carry-00002, which failed)',
    ]);
    const doc = JSON.parse(
      (await cli('deploy', 'carry', '--image', 'ghcr.io/bgctl/hello:v3', '--take-over', '--dry-run', '-o', 'json'))
        .stdout,
    );
    assert.deepEqual(
      doc.templateDiff.map((d: { field: string; carriedFrom?: string }) => [d.field, d.carriedFrom ?? null]),
      [
        ['image', null],
        ['env MODE', 'carry-00002'],
        ['annotation sim.bgctl.dev/fail', 'carry-00002'],
      ],
    );
  });

  test('a revision that never becomes ready times out with exit 6', async () => {
    await createReadyService(pg.current, 'slow');
    const r = await cli(
      'deploy',
      'slow',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/ready-after=1h',
      '--timeout',
      '2s',
      '--yes',
    );
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /Error: timed out after 2s waiting for service "slow"/);
    assert.equal(getService(pg.current, 'slow').status?.latestCreatedRevisionName, 'slow-00002');
  });

  test('--no-wait returns right after the write', async () => {
    await createReadyService(pg.current, 'nowait');
    const r = await cli(
      'deploy',
      'nowait',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/ready-after=1h',
      '--no-wait',
      '--yes',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Not waiting/);
    assert.equal((await requests(pg.current, { verb: 'watch' })).length, 0);
    assert.equal(getService(pg.current, 'nowait').spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v2');
  });

  test('planner refusals: no rollout to split (1), a rollout in progress (5), nothing to stage (1)', async () => {
    await createReadyService(pg.current, 'refuse');
    const split = await cli('split', 'refuse', '--percent', '10', '--yes');
    assert.equal(split.code, 1, split.stderr);
    assert.match(split.stderr, /cannot split: no rollout in progress on service "refuse"/);
    const stage = await cli('stage', 'refuse', '--yes');
    assert.equal(stage.code, 1, stage.stderr);
    assert.match(stage.stderr, /nothing to stage/);
    assert.equal((await cli('deploy', 'refuse', '--image', 'ghcr.io/bgctl/hello:v2', '--yes')).code, 0);
    const again = await cli('deploy', 'refuse', '--image', 'ghcr.io/bgctl/hello:v3', '--yes');
    assert.equal(again.code, 5, again.stderr);
    assert.match(again.stderr, /cannot deploy: rollout refuse-\d+ is in progress/);
    assert.equal((await requests(pg.current, { verb: 'patch', resource: 'services', name: 'refuse' })).length, 1);
  });

  test('bad flag values exit 2 before any request', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['split', 'nope', '--percent', '50.5', '--yes'], /invalid value "50.5" for --percent/],
      [['split', 'nope', '--percent', '10', '--traffic', 'a=10', '--yes'], /either --percent or --traffic/],
      [['deploy', 'nope', '--env', '1BAD=x', '--yes'], /invalid environment variable name "1BAD"/],
      [
        ['deploy', 'nope', '--image', 'x:v2', '--annotation', 'bad key=1', '--yes'],
        /invalid --annotation key "bad key"/,
      ],
      [['pin', 'nope', '--timeout', '5', '--yes'], /invalid duration "5" for --timeout/],
      [['stage', 'nope', '--tag', 'V2', '--yes'], /invalid tag "V2"/],
      [['pin', 'Not_A_Name', '--yes'], /invalid service name "Not_A_Name"/],
      [['deploy', 'nope', '--yes'], /--image is required when not running interactively/],
      [['split', 'nope', '--yes'], /--percent is required when not running interactively/],
      [['promote', '--yes'], /SERVICE is required when not running interactively/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
    assert.deepEqual((await sim(pg.current, 'GET', 'requests')).requests, []);
  });

  test('BGCTL_IMAGE stands in for --image', async () => {
    await createReadyService(pg.current, 'fromenv');
    const r = await runCli(['deploy', 'fromenv', '--yes', '--no-wait'], {
      env: cliEnv(pg.current, { BGCTL_IMAGE: 'ghcr.io/bgctl/hello:env' }),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(getService(pg.current, 'fromenv').spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:env');
  });
});
