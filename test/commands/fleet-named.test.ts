// --fleet ID with --resume/--abort, over two playground clusters through main(): an older fleet left open on its
// targets is resumed or aborted by name although a newer fleet was recorded on the same targets since (the plain
// --resume picks the newest one and skips it); the newer fleet's targets are left alone.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPlaygrounds, type Playgrounds } from '../../src/sim/playground.js';
import { readState } from '../../src/core/state.js';
import { runCli } from '../helpers/cli.js';
import { createFleetService, stored } from '../helpers/fleet.js';

const BOTH = 'playground-1,playground-2';

describe('fleet --resume/--abort --fleet ID', () => {
  let pgs: Playgrounds;
  before(async () => {
    pgs = await startPlaygrounds(2, { sample: 'hello' });
    await Promise.all([
      ...pgs.clusters.map((c) => createFleetService(c, 'old', { grp: 'old' })),
      ...pgs.clusters.map((c) => createFleetService(c, 'gone', { grp: 'gone' })),
    ]);
  });
  after(async () => {
    await pgs?.stop();
  });
  const env = () => ({ KUBECONFIG: pgs.kubeconfigPath, BGCTL_ACTOR: 'tester' });
  const cli = (...argv: string[]) => runCli(argv, { env: env() });
  const json = (r: { stdout: string }) => JSON.parse(r.stdout);

  /** Fleet A paused at staged on both clusters, then A closed on playground-2 and fleet B promoted there. */
  async function olderFleetUnderNewer(grp: string): Promise<{ fleetA: string; fleetB: string }> {
    const a = await cli('rollout', '-l', `grp=${grp}`, '--context', BOTH, '--image-tag', 'v2', '--until', 'staged');
    assert.equal(a.code, 2, 'needs --yes');
    const paused = await cli(
      'rollout',
      '-l',
      `grp=${grp}`,
      '--context',
      BOTH,
      '--image-tag',
      'v2',
      '--until',
      'staged',
      '--no-verify',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(paused.code, 8, paused.stderr);
    const fleetA = json(paused).fleet as string;
    assert.match(paused.stderr, new RegExp(`fleet ${fleetA} paused as asked`));
    assert.match(paused.stderr, new RegExp(`--resume --fleet ${fleetA} --yes`), 'the hint names the fleet');
    const closed = await cli('rollout', grp, '--context', 'playground-2', '--abort', '--yes');
    assert.equal(closed.code, 0, closed.stderr);
    const b = await cli(
      'rollout',
      '-l',
      `grp=${grp}`,
      '--context',
      'playground-2',
      '--image-tag',
      'v3',
      '--no-verify',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(b.code, 0, b.stderr);
    const fleetB = json(b).fleet as string;
    assert.notEqual(fleetB, fleetA);
    return { fleetA, fleetB };
  }

  test('--resume --fleet continues an older fleet that a newer one on the same targets hides; the newer is skipped', async () => {
    const [one, two] = pgs.clusters;
    const { fleetA, fleetB } = await olderFleetUnderNewer('old');
    // Without --fleet: the newest fleet (B) is picked, and A's open rollout on playground-1 is not its own.
    const plain = await cli('rollout', '-l', 'grp=old', '--context', BOTH, '--resume', '--yes', '-o', 'json');
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(json(plain).fleet, fleetB);
    assert.deepEqual(
      json(plain).targets.map((t: any) => t.outcome),
      ['skipped', 'skipped'],
    );
    assert.equal(readState(stored(one, 'old')).state?.phase, 'staged');
    const twoBefore = readState(stored(two, 'old')).state;

    const named = await cli(
      'rollout',
      '-l',
      'grp=old',
      '--context',
      BOTH,
      '--resume',
      '--fleet',
      fleetA,
      '--no-verify',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(named.code, 0, named.stderr);
    const doc = json(named);
    assert.equal(doc.fleet, fleetA);
    assert.equal(doc.action, 'resume');
    const by = Object.fromEntries(doc.targets.map((t: any) => [t.context, t]));
    assert.equal(by['playground-1'].outcome, 'promoted', JSON.stringify(by['playground-1']));
    assert.equal(by['playground-2'].outcome, 'skipped');
    assert.match(by['playground-2'].message, new RegExp(`not part of fleet ${fleetA}`));
    const oneNow = readState(stored(one, 'old')).state;
    assert.equal(oneNow?.phase, 'promoted');
    assert.equal(oneNow?.fleet, fleetA);
    assert.deepEqual(readState(stored(two, 'old')).state, twoBefore, 'fleet B’s record was not touched');
    assert.equal(stored(two, 'old').spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v3');
  });

  test('--abort --fleet undoes the older fleet only; --dry-run plans that fleet', async () => {
    const [one, two] = pgs.clusters;
    const { fleetA } = await olderFleetUnderNewer('gone');
    const preview = await cli(
      'rollout',
      '-l',
      'grp=gone',
      '--context',
      BOTH,
      '--abort',
      '--fleet',
      fleetA,
      '--dry-run',
      '-o',
      'json',
    );
    assert.equal(preview.code, 0, preview.stderr);
    assert.equal(json(preview).fleet, fleetA);
    assert.deepEqual(
      json(preview).targets.map((t: any) => `${t.context}:${t.step}`),
      ['playground-1:abort'],
    );
    const twoBefore = readState(stored(two, 'gone')).state;
    const r = await cli(
      'rollout',
      '-l',
      'grp=gone',
      '--context',
      BOTH,
      '--abort',
      '--fleet',
      fleetA,
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      json(r).targets.map((t: any) => `${t.context}:${t.outcome}`),
      ['playground-1:aborted', 'playground-2:skipped'],
    );
    assert.equal(readState(stored(one, 'gone')).state?.phase, 'aborted');
    assert.deepEqual(readState(stored(two, 'gone')).state, twoBefore);
  });

  test('--fleet: refused without --resume/--abort, for a malformed id (quoted), and for a fleet not on the targets', async () => {
    const start = await cli(
      'rollout',
      '-l',
      'grp=old',
      '--context',
      BOTH,
      '--image-tag',
      'v9',
      '--fleet',
      'fleet-20250102030405-abcd',
      '--yes',
    );
    assert.equal(start.code, 2, start.stderr);
    assert.match(start.stderr, /--fleet names a fleet to continue or undo: pass it with --resume or --abort/);
    const bad = await cli(
      'rollout',
      '-l',
      'grp=old',
      '--context',
      BOTH,
      '--resume',
      '--fleet',
      'fleet-1\x1b[2J',
      '--yes',
    );
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /invalid --fleet "fleet-1\\x1b\[2J": a fleet id/);
    assert.ok(!bad.stderr.includes('\x1b'), bad.stderr);
    const unknown = await cli(
      'rollout',
      '-l',
      'grp=old',
      '--context',
      BOTH,
      '--abort',
      '--fleet',
      'fleet-20000101000000-abcd',
      '--yes',
      '-o',
      'json',
    );
    assert.notEqual(unknown.code, 0, unknown.stderr);
    assert.equal(json(unknown).reason, 'NoFleet');
    assert.match(json(unknown).message, /fleet fleet-20000101000000-abcd is not recorded on the 2 target\(s\) found/);
  });

  test('one service with --resume --fleet of another fleet is refused, nothing written', async () => {
    const [one] = pgs.clusters;
    const paused = await cli(
      'rollout',
      'hello',
      '--context',
      BOTH,
      '--image-tag',
      'v2',
      '--until',
      'staged',
      '--no-verify',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(paused.code, 8, paused.stderr);
    const before = stored(one, 'hello').metadata.resourceVersion;
    const r = await cli(
      'rollout',
      'hello',
      '--context',
      'playground-1',
      '--resume',
      '--fleet',
      'fleet-20000101000000-abcd',
      '--yes',
    );
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /is not part of fleet fleet-20000101000000-abcd/);
    assert.equal(stored(one, 'hello').metadata.resourceVersion, before, 'nothing written');
    const own = await cli(
      'rollout',
      'hello',
      '--context',
      'playground-1',
      '--resume',
      '--fleet',
      json(paused).fleet,
      '--no-verify',
      '--yes',
    );
    assert.equal(own.code, 0, own.stderr);
    assert.equal(readState(stored(one, 'hello')).state?.phase, 'promoted');
  });
});
