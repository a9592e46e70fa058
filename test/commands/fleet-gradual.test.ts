// Fleets meeting Knative's own gradual rollout (serving.knative.dev/rollout-duration) over two playground clusters:
// the fleet status shows a target in flight as `status -A` does, and a fleet rollout onto services with a rollout
// duration pins in its writes, so no gradual move starts and its waits end with the rollout. The controllers' clock
// stands still, so a gradual rollout stays where it is while the test reads it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../src/sim/api/contracts.js';
import { startPlaygrounds, type Playground, type Playgrounds } from '../../src/sim/playground.js';
import { runCli } from '../helpers/cli.js';
import { createFleetService, stored } from '../helpers/fleet.js';
import { waitForStored } from './step-helpers.js';

const BOTH = 'playground-1,playground-2';
const ANN = { 'serving.knative.dev/rollout-duration': '60s' };
const ready = (o: KObject) => o.status?.conditions?.find((c: { type: string }) => c.type === 'Ready');
const served = (o: KObject) =>
  (o.status?.traffic ?? [])
    .map((t: { revisionName: string; percent: number }) => `${t.revisionName}:${t.percent}`)
    .join(',');

describe('fleets and Knative gradual rollouts', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  let pgs: Playgrounds;
  before(async () => {
    pgs = await startPlaygrounds(2, { now: () => new Date(now) });
    await Promise.all(
      pgs.clusters.flatMap((c) => [
        createFleetService(c, 'moving', { app: 'shop' }, undefined, ANN),
        createFleetService(c, 'calm', { app: 'calm' }, undefined, ANN),
      ]),
    );
    // Someone else's deploy in the first cluster starts Knative's rollout there (1% first, then held by the clock).
    const one = pgs.clusters[0];
    one.registry.patch(
      one.registry.resource('services', 'serving.knative.dev')!,
      'default',
      'moving',
      'merge',
      { spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v2' }] } } } },
      { user: 'someone-else', fieldManager: 'kubectl' },
    );
    await waitForStored(
      one as Playground,
      'moving',
      (o) => served(o) === 'moving-00001:99,moving-00002:1' && ready(o)?.reason === 'RolloutInProgress',
    );
  });
  after(async () => {
    await pgs?.stop();
  });
  const cli = (...argv: string[]) => runCli(argv, { env: { KUBECONFIG: pgs.kubeconfigPath, BGCTL_ACTOR: 'tester' } });

  test('fleet status shows a target in a gradual rollout as status -A does (table and FleetStatus)', async () => {
    const table = await cli('status', '-l', 'app=shop', '--context', BOTH);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0], /^CONTEXT\s+NAMESPACE\s+SERVICE\s+PHASE\s+CANDIDATE\s+READY\s+KNATIVE\s+FLEET/);
    const rolling = lines.find((l) => l.startsWith('playground-1 '));
    const still = lines.find((l) => l.startsWith('playground-2 '));
    assert.ok(rolling && still, table.stdout);
    assert.match(rolling, /Unknown \(RolloutInProgress\) +moving-00001 99% → moving-00002 1% \(rolling out over 60s\)/);
    assert.match(still, / True +- +-$/);

    const doc = JSON.parse((await cli('status', '-l', 'app=shop', '--context', BOTH, '-o', 'json')).stdout);
    assert.equal(doc.kind, 'FleetStatus');
    const [first, second] = doc.items;
    assert.deepEqual([first.context, second.context], ['playground-1', 'playground-2']);
    assert.equal(first.ready, 'Unknown');
    assert.equal(first.reason, 'RolloutInProgress');
    assert.deepEqual(first.gradualRollout, [
      {
        revisionName: 'moving-00002',
        percent: 1,
        targetPercent: 100,
        from: [{ revisionName: 'moving-00001', percent: 99 }],
      },
    ]);
    assert.equal(first.rolloutDuration, '60s');
    for (const key of ['reason', 'gradualRollout', 'rolloutDuration'])
      assert.ok(!(key in second), `${key} in ${JSON.stringify(second)}`);

    // The same fields as the single cluster's list carries for that service.
    const list = JSON.parse((await cli('status', '-A', '--context', 'playground-1', '-o', 'json')).stdout);
    const single = list.items.find((i: { name: string }) => i.name === 'moving');
    assert.deepEqual(
      [first.gradualRollout, first.rolloutDuration, first.reason],
      [single.gradualRollout, single.rolloutDuration, single.reason],
    );
  });

  test('a fleet rollout onto services with a rollout duration pins as it goes: promoted, no gradual move', async () => {
    const seen: string[] = [];
    const stops = pgs.clusters.map((c) =>
      c.registry.onChange((ev) => {
        if (ev.resource.plural === 'services' && ev.object.metadata.name === 'calm')
          seen.push(`${c.context} ${ready(ev.object)?.reason ?? ''} ${served(ev.object)}`);
      }),
    );
    let r;
    try {
      r = await cli('rollout', '-l', 'app=calm', '--context', BOTH, '--image-tag', 'v2', '--no-verify', '--yes');
    } finally {
      for (const stop of stops) stop();
    }
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!seen.some((s) => s.includes('RolloutInProgress')), seen.join('\n'));
    for (const c of pgs.clusters) {
      const svc = stored(c, 'calm') as unknown as KObject;
      assert.deepEqual(
        served(svc)
          .split(',')
          .filter((t: string) => !t.endsWith(':0')),
        ['calm-00002:100'],
        c.context,
      );
      assert.equal(ready(svc)?.status, 'True', c.context);
    }
  });

  test('a fleet rollout onto a target Knative is still rolling out refuses it (the fleet stops, nothing guessed)', async () => {
    const r = await cli('rollout', '-l', 'app=shop', '--context', BOTH, '--image-tag', 'v3', '--no-verify', '--yes');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /by Knative's gradual rollout \(rollout-duration 60s\)/);
    assert.equal(served(stored(pgs.clusters[0], 'moving') as unknown as KObject), 'moving-00001:99,moving-00002:1');
    assert.equal(stored(pgs.clusters[1], 'moving').spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v1');
  });
});
