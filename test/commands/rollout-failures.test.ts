// `bgctl rollout` unattended when things go wrong: a failing revision, a failed verification, a
// revision that never gets ready. Checked by exit code, output and the Service stored afterwards.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, createReadyService, getService, specTraffic } from './step-helpers.js';
import { readState } from '../../src/core/state.js';

const NOW = () => new Date('2026-11-26T12:00:00Z');

describe('bgctl rollout (unattended): failures', () => {
  const pg = usePlayground();
  const env = () => cliEnv(pg.current, { BGCTL_INGRESS: pg.current.ingress });
  const cli = (...argv: string[]) => runCli(argv, { env: env(), now: NOW });
  const phaseOf = (name: string) => readState(getService(pg.current, name)).state?.phase;

  test("a failing revision: exit 1 with Knative's reason, traffic stays on the stable revision, rollout closed", async () => {
    await createReadyService(pg.current, 'broken');
    const r = await cli(
      'rollout',
      'broken',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/fail=ContainerMissing',
      '--yes',
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ContainerMissing/);
    assert.match(r.stderr, /rollout broken-20261126120000 aborted, traffic stays on broken-00001/);
    assert.deepEqual(specTraffic(pg.current, 'broken'), [{ revisionName: 'broken-00001', percent: 100 }]);
    assert.equal(getService(pg.current, 'broken').status?.traffic?.[0]?.revisionName, 'broken-00001');
    assert.equal(phaseOf('broken'), 'aborted');
    assert.match(r.stdout, /Rollout: +broken-20261126120000 aborted/);
  });

  test('failed verification: rolled back to the stable revision, exit 3', async () => {
    await createReadyService(pg.current, 'unverified');
    const r = await cli(
      'rollout',
      'unverified',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--expect-body',
      'nomatch',
      '--requests',
      '2',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /verification of unverified-00002 \(tag "candidate"\) failed: 2 of 2 requests failed/);
    assert.match(r.stderr, /Rolling back: all traffic returns to unverified-00001/);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.phase, 'rolled-back');
    assert.equal(doc.outcome, 'failed');
    assert.equal(doc.verification[0].verdict, 'Failed');
    assert.deepEqual(specTraffic(pg.current, 'unverified'), [
      { tag: 'stable', revisionName: 'unverified-00001', percent: 100 },
      { tag: 'candidate', revisionName: 'unverified-00002', percent: 0 },
    ]);
    assert.equal(phaseOf('unverified'), 'rolled-back');
    const read = readState(getService(pg.current, 'unverified'));
    const reason = 'rolled back after failed verification: 2 of 2 requests failed';
    assert.equal(read.state?.reason, reason);
    assert.deepEqual([read.history[0]?.phase, read.history[0]?.reason], ['rolled-back', reason]);
    const h = await cli('history', 'unverified');
    assert.match(h.stdout, /\n\S+ +rolled-back .* rolled back after failed verification: 2 of 2 requests failed\n$/);
  });

  test('a revision that never gets ready: exit 6, the rollout stays resumable', async () => {
    await createReadyService(pg.current, 'slow');
    const r = await cli(
      'rollout',
      'slow',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/ready-after=1h',
      '--timeout',
      '1s',
      '--yes',
    );
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /timed out after 1s/);
    assert.equal(phaseOf('slow'), 'deployed');
    assert.deepEqual(specTraffic(pg.current, 'slow'), [{ revisionName: 'slow-00001', percent: 100 }]);
    const abort = await cli('rollout', 'slow', '--abort', '--yes');
    assert.equal(abort.code, 0, abort.stderr);
    assert.equal(phaseOf('slow'), 'aborted');
  });

  test('failed verification with --no-rollback: exit 3, the rollout stays open at staged', async () => {
    await createReadyService(pg.current, 'kept');
    const r = await cli(
      'rollout',
      'kept',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--expect-status',
      '204',
      '--requests',
      '1',
      '--no-rollback',
      '--yes',
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      /Hint: the rollout is still open at phase staged: continue anyway with bgctl rollout kept --resume --yes --no-verify/,
    );
    assert.doesNotMatch(r.stderr, /Rolling back/);
    assert.equal(phaseOf('kept'), 'staged');
    assert.deepEqual(specTraffic(pg.current, 'kept'), [
      { tag: 'stable', revisionName: 'kept-00001', percent: 100 },
      { tag: 'candidate', revisionName: 'kept-00002', percent: 0 },
    ]);
  });
});
