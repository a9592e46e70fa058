// `bgctl rollout` stopping and continuing: --until then --resume or --abort. Checked by exit code,
// output and the Service stored afterwards.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, createReadyService, getService, specTraffic } from './step-helpers.js';
import { readState } from '../../src/core/state.js';

const NOW = () => new Date('2026-11-26T12:00:00Z');

describe('bgctl rollout (unattended): stop, resume, abort', () => {
  const pg = usePlayground();
  const env = () => cliEnv(pg.current, { BGCTL_INGRESS: pg.current.ingress });
  const cli = (...argv: string[]) => runCli(argv, { env: env(), now: NOW });
  const phaseOf = (name: string) => readState(getService(pg.current, name)).state?.phase;

  test('--resume --dry-run and --abort --dry-run plan the next step once and change nothing', async () => {
    await createReadyService(pg.current, 'preview');
    const first = await cli('rollout', 'preview', '--image', 'ghcr.io/bgctl/hello:v2', '--until', 'staged', '--yes');
    assert.equal(first.code, 8, first.stderr);
    const before = getService(pg.current, 'preview').metadata.resourceVersion;
    const resume = await cli('rollout', 'preview', '--resume', '--no-verify', '--dry-run', '-o', 'json');
    assert.equal(resume.code, 0, resume.stderr);
    const plan = JSON.parse(resume.stdout);
    assert.equal(plan.kind, 'TrafficPlan');
    assert.equal(plan.dryRun, true);
    const abort = await cli('rollout', 'preview', '--abort', '--dry-run', '-o', 'json');
    assert.equal(abort.code, 0, abort.stderr);
    const abortPlan = JSON.parse(abort.stdout);
    assert.equal(abortPlan.kind, 'TrafficPlan');
    assert.equal(abortPlan.dryRun, true);
    assert.equal(getService(pg.current, 'preview').metadata.resourceVersion, before);
    assert.equal(phaseOf('preview'), 'staged');
  });

  test('--until staged stops with exit 8; --resume finishes from the recorded phase', async () => {
    await createReadyService(pg.current, 'paused');
    const first = await cli('rollout', 'paused', '--image', 'ghcr.io/bgctl/hello:v2', '--until', 'staged', '--yes');
    assert.equal(first.code, 8, first.stderr);
    assert.match(first.stderr, /stopped at phase staged/);
    assert.match(first.stderr, /Hint: continue with: bgctl rollout paused --resume --yes/);
    assert.equal(phaseOf('paused'), 'staged');
    assert.deepEqual(specTraffic(pg.current, 'paused'), [
      { tag: 'stable', revisionName: 'paused-00001', percent: 100 },
      { tag: 'candidate', revisionName: 'paused-00002', percent: 0 },
    ]);
    const again = await cli('rollout', 'paused', '--resume', '--yes', '-o', 'json');
    assert.equal(again.code, 0, again.stderr);
    const doc = JSON.parse(again.stdout);
    assert.equal(doc.phase, 'promoted');
    assert.deepEqual(
      doc.steps.map((s: { action: string }) => s.action),
      ['verify', 'verify', 'split', 'promote'],
    );
    assert.equal(phaseOf('paused'), 'promoted');
    assert.doesNotMatch(again.stderr, /Deploying/);
    // Nothing left to resume: refused, nothing written.
    const none = await cli('rollout', 'paused', '--resume', '--yes');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /nothing to resume/);
  });

  test('--until split then --abort: all traffic back on stable, rollout closed', async () => {
    await createReadyService(pg.current, 'aborted');
    const first = await cli(
      'rollout',
      'aborted',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--steps',
      '20,60,100',
      '--no-verify',
      '--until',
      'split',
      '--yes',
    );
    assert.equal(first.code, 8, first.stderr);
    assert.deepEqual(specTraffic(pg.current, 'aborted'), [
      { tag: 'stable', revisionName: 'aborted-00001', percent: 40 },
      { tag: 'candidate', revisionName: 'aborted-00002', percent: 60 },
    ]);
    const abort = await cli('rollout', 'aborted', '--abort', '--yes');
    assert.equal(abort.code, 0, abort.stderr);
    assert.match(abort.stderr, /Aborting the rollout: all traffic returns to aborted-00001/);
    assert.deepEqual(specTraffic(pg.current, 'aborted'), [
      { tag: 'stable', revisionName: 'aborted-00001', percent: 100 },
      { tag: 'candidate', revisionName: 'aborted-00002', percent: 0 },
    ]);
    assert.equal(phaseOf('aborted'), 'aborted');
    const twice = await cli('rollout', 'aborted', '--abort', '--yes');
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /nothing to abort/);
  });
});
