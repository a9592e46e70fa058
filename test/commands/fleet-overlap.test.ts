// Fleets that meet other writers, over two playground clusters through main(): a fleet stopped by a refusal never
// aborts a rollout it did not start (another fleet's, on an overlapping target), and a service reached through two
// contexts (two names for one cluster) is one target, not two rollouts racing on the same object.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { startPlaygrounds, type Playgrounds } from '../../src/sim/playground.js';
import type { Playground } from '../../src/sim/playground.js';
import { readState } from '../../src/core/state.js';
import type { KnativeService } from '../../src/core/knative-types.js';
import { runCli } from '../helpers/cli.js';
import { createFleetService, stored } from '../helpers/fleet.js';
import { waitForStored } from './step-helpers.js';
import { sim } from '../kube/sim-helpers.js';

const BOTH = 'playground-1,playground-2';

describe('fleets meeting other writers', () => {
  let pgs: Playgrounds;
  let dir: string;
  before(async () => {
    pgs = await startPlaygrounds(2, { sample: 'hello' });
    dir = mkdtempSync(join(tmpdir(), 'bgctl-fleet-overlap-'));
    await Promise.all([
      ...pgs.clusters.map((c) => createFleetService(c, 'ov', { grp: 'ov' })),
      createFleetService(pgs.clusters[0], 'twin', { grp: 'twin' }),
      ...pgs.clusters.map((c) => createFleetService(c, 'moved', { grp: 'moved' })),
      ...pgs.clusters.map((c) => createFleetService(c, 'again', { grp: 'again' })),
      ...pgs.clusters.flatMap((c) =>
        Array.from({ length: 13 }, (_, i) =>
          createFleetService(c, `many-${String(i).padStart(2, '0')}`, { grp: 'many' }),
        ),
      ),
    ]);
  });
  after(async () => {
    await pgs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const env = () => ({ KUBECONFIG: pgs.kubeconfigPath, BGCTL_ACTOR: 'tester' });
  const cli = (...argv: string[]) => runCli(argv, { env: env() });

  test('a fleet stopped by a refusal leaves another fleet’s open rollout alone (overlapping targets)', async () => {
    const [, two] = pgs.clusters;
    const a = await cli('rollout', '-l', 'grp=ov', '--context', BOTH, '--image-tag', 'v2', '--until', 'staged');
    assert.equal(a.code, 2, 'needs --yes');
    const first = await cli(
      'rollout',
      '-l',
      'grp=ov',
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
    assert.equal(first.code, 8, first.stderr);
    const fleetA = JSON.parse(first.stdout).fleet as string;
    const openOnTwo = readState(stored(two, 'ov')).state;
    assert.equal(openOnTwo?.fleet, fleetA);
    // playground-2 answers after 4 s: fleet B's ov there is still in its first read when playground-1 refuses it.
    const kc = yaml.load(pgs.kubeconfig) as any;
    const asPlayground = { ...two, kubeconfig: yaml.dump({ clusters: [kc.clusters[1]] }) } as unknown as Playground;
    await sim(asPlayground, 'POST', 'faults', { latencyMs: 4000, verbs: ['get', 'patch', 'update'] });
    try {
      const b = await cli(
        'rollout',
        '-l',
        'grp=ov',
        '--context',
        BOTH,
        '--image-tag',
        'v3',
        '--first-wave',
        '2',
        '--no-verify',
        '--yes',
        '-o',
        'json',
      );
      assert.notEqual(b.code, 0, b.stderr);
      const by = Object.fromEntries(JSON.parse(b.stdout).targets.map((t: any) => [t.context, t]));
      assert.equal(by['playground-1'].outcome, 'failed', JSON.stringify(by['playground-1']));
      assert.equal(by['playground-2'].outcome, 'not-started', JSON.stringify(by['playground-2']));
    } finally {
      await sim(asPlayground, 'DELETE', 'faults');
    }
    const after = readState(stored(two, 'ov')).state;
    assert.equal(after?.id, openOnTwo?.id, 'the same rollout');
    assert.equal(after?.phase, 'staged', 'fleet A’s rollout on playground-2 was not aborted by fleet B');
    assert.equal(after?.fleet, fleetA);
  });

  test('two contexts naming one cluster: the service is one target, rolled out once', async () => {
    const kc = yaml.load(pgs.kubeconfig) as any;
    const one = kc.contexts.find((c: any) => c.name === 'playground-1');
    kc.contexts.push({ name: 'alias-1', context: { ...one.context } });
    const file = join(dir, 'aliased');
    writeFileSync(file, yaml.dump(kc), { mode: 0o600 });
    const r = await runCli(
      [
        'rollout',
        '-l',
        'grp=twin',
        '--context',
        'playground-1,alias-1',
        '--image-tag',
        'v2',
        '--no-verify',
        '--yes',
        '-o',
        'json',
      ],
      { env: { KUBECONFIG: file, BGCTL_ACTOR: 'tester' } },
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.targets.map((t: any) => `${t.context}/${t.service}:${t.outcome}`),
      ['playground-1/twin:promoted'],
    );
    assert.equal(stored(pgs.clusters[0], 'twin').spec.template!.spec!.containers[0].image, 'ghcr.io/bgctl/hello:v2');
  });
  test('--image-tag: a target whose image someone changed after the fleet read it is stopped, not overwritten', async () => {
    const [one, two] = pgs.clusters;
    const running = cli(
      'rollout',
      '-l',
      'grp=moved',
      '--context',
      BOTH,
      '--image-tag',
      'v2',
      '--percents',
      '50,100',
      '--pause',
      '3s',
      '--no-verify',
      '--yes',
      '-o',
      'json',
    );
    // The first wave (playground-1) has written its record: the fleet has read both images already.
    await waitForStored(
      one as Playground,
      'moved',
      (o) => o?.metadata.annotations !== undefined && readState(o as unknown as KnativeService).state !== undefined,
      30_000,
    );
    two.registry.patch(
      two.registry.resource('services', 'serving.knative.dev')!,
      'default',
      'moved',
      'merge',
      { spec: { template: { spec: { containers: [{ image: 'ghcr.io/other/hello:v1' }] } } } },
      { user: 'someone', fieldManager: 'kubectl' },
    );
    const r = await running;
    assert.equal(r.code, 1, r.stderr);
    const by = Object.fromEntries(JSON.parse(r.stdout).targets.map((t: any) => [t.context, t]));
    assert.equal(by['playground-1'].outcome, 'promoted');
    assert.equal(by['playground-2'].outcome, 'failed', JSON.stringify(by['playground-2']));
    assert.match(by['playground-2'].message, /ghcr\.io\/other\/hello:v1/);
    const now = stored(two, 'moved');
    assert.equal(now.spec.template!.spec!.containers[0].image, 'ghcr.io/other/hello:v1', 'the other edit stays');
    assert.equal(readState(now).state, undefined, 'nothing written on playground-2');
  });
  test('the progress view on a terminal shorter than the fleet stays within its height (redrawn in place)', async () => {
    const r = await runCli(
      [
        'rollout',
        '-l',
        'grp=many',
        '--context',
        BOTH,
        '--image-tag',
        'v2',
        '--percents',
        '100',
        '--first-wave',
        '13',
        '--max-parallel',
        '13',
        '--no-verify',
        '--yes',
      ],
      { env: env(), tty: true, width: 120 },
    );
    assert.equal(r.code, 0, r.stderr);
    // The test terminal has 24 rows: a cursor-up over more than 23 lines cannot reach the block's top, and every
    // redraw would leave a copy of the table behind.
    // eslint-disable-next-line no-control-regex
    const ups = [...r.stderr.matchAll(/\u001b\[(\d+)A/g)].map((m) => Number(m[1]));
    assert.ok(ups.length > 0, 'redrawn in place');
    assert.ok(Math.max(...ups) <= 23, `at most 23 lines redrawn (saw ${Math.max(...ups)})`);
    assert.match(r.stderr, /more/, 'the targets not shown are counted');
  });
  test('running a fleet again after a partial one: a target that already serves the image is unchanged, not a failure', async () => {
    const [one, two] = pgs.clusters;
    const part = await cli(
      'rollout',
      'again',
      '--context',
      'playground-1',
      '--image-tag',
      'v2',
      '--no-verify',
      '--yes',
    );
    assert.equal(part.code, 0, part.stderr);
    const done = readState(stored(one, 'again')).state;
    const r = await cli(
      'rollout',
      '-l',
      'grp=again',
      '--context',
      BOTH,
      '--image-tag',
      'v2',
      '--no-verify',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 0, r.stderr);
    const by = Object.fromEntries(JSON.parse(r.stdout).targets.map((t: any) => [t.context, t]));
    assert.equal(by['playground-1'].outcome, 'unchanged', JSON.stringify(by['playground-1']));
    assert.equal(by['playground-2'].outcome, 'promoted', JSON.stringify(by['playground-2']));
    assert.equal(readState(stored(one, 'again')).state?.id, done?.id, 'playground-1 not written again');
    assert.equal(stored(two, 'again').spec.template!.spec!.containers[0].image, 'ghcr.io/bgctl/hello:v2');
  });
  test('a selector the API server rejects is a usage error (exit 2), not every context unreachable', async () => {
    for (const selector of ['app in (shop', 'tier notin web']) {
      const r = await cli('status', '-l', selector, '--context', BOTH);
      assert.equal(r.code, 2, `${selector}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /could not be reached|not reached/, selector);
    }
  });
  test('a context whose server URL carries a password: never printed, in any output of the fleet', async () => {
    const kc = yaml.load(pgs.kubeconfig) as any;
    kc.clusters.push({
      name: 'leaky',
      cluster: { ...kc.clusters[0].cluster, server: `https://admin:hunter2-secret@127.0.0.1:1` },
    });
    kc.contexts.push({ name: 'leaky', context: { cluster: 'leaky', user: kc.users[0].name, namespace: 'default' } });
    const file = join(dir, 'leaky');
    writeFileSync(file, yaml.dump(kc), { mode: 0o600 });
    for (const argv of [
      ['status', '-l', 'grp=ov', '--context', 'leaky,playground-1', '-o', 'json'],
      ['status', '-l', 'grp=ov', '--context', 'leaky,playground-1'],
      ['rollout', '-l', 'grp=ov', '--context', 'leaky,playground-1', '--image-tag', 'v9', '--dry-run', '-o', 'json'],
      ['status', '-l', 'grp=ov', '--context', 'leaky'],
    ]) {
      const r = await runCli([...argv, '--request-timeout', '2s'], { env: { KUBECONFIG: file } });
      assert.doesNotMatch(r.stdout + r.stderr, /hunter2/, argv.join(' '));
      assert.match(r.stdout + r.stderr, /leaky/, argv.join(' '));
    }
  });
});
