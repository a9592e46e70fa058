// Services with Knative's gradual rollout (serving.knative.dev/rollout-duration): bgctl pins in the
// same write as a deploy, so no gradual move starts; `status` shows a rollout in flight; a step
// that would need the serving revision refuses while Knative's rollout splits it. The playground's
// clock is injected and stands still unless a test moves it, so a rollout stays where it is.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../src/sim/api/contracts.js';
import { usePlayground, type Playground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, getService, specTraffic, waitForStored } from './step-helpers.js';

const SYSTEM = { user: 'system:admin', fieldManager: 'test' };
const ANN = { 'serving.knative.dev/rollout-duration': '60s' };
const served = (o: KObject) =>
  (o.status?.traffic ?? [])
    .map((t: { revisionName: string; percent: number }) => `${t.revisionName}:${t.percent}`)
    .join(',');
const readyReason = (o: KObject) => o.status?.conditions?.find((c: { type: string }) => c.type === 'Ready');

function createService(pg: Playground, name: string, image = 'ghcr.io/bgctl/hello:v1'): void {
  const def = pg.registry.resource('services', 'serving.knative.dev')!;
  pg.registry.create(
    def,
    'default',
    {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name, annotations: ANN },
      spec: { template: { spec: { containers: [{ image }] } } },
    },
    SYSTEM,
  );
}

const isReady = (o: KObject) =>
  o.status?.observedGeneration === o.metadata.generation && readyReason(o)?.status === 'True';

describe('services with a rollout duration', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  const pg = usePlayground({ now: () => new Date(now) });
  const cli = (...argv: string[]) => runCli(argv, { env: cliEnv(pg.current) });

  test('deploy onto an unpinned service pins in the same write: no gradual move ever starts', async () => {
    createService(pg.current, 'calm');
    await waitForStored(pg.current, 'calm', isReady);
    const seen: string[] = [];
    const stop = pg.current.registry.onChange((ev) => {
      if (ev.resource.plural === 'services' && ev.object.metadata.name === 'calm')
        seen.push(`${readyReason(ev.object)?.reason ?? ''} ${served(ev.object)}`);
    });
    try {
      const r = await cli('deploy', 'calm', '--image', 'ghcr.io/bgctl/hello:v2', '--yes');
      assert.equal(r.code, 0, r.stderr);
    } finally {
      stop();
    }
    assert.ok(!seen.some((s) => s.startsWith('RolloutInProgress')), seen.join('\n'));
    assert.ok(
      seen.every((s) => !s.includes('calm-00002:') || s.includes('calm-00002:0')),
      seen.join('\n'),
    );
    assert.deepEqual(
      specTraffic(pg.current, 'calm').filter((t) => t.percent > 0),
      [{ revisionName: 'calm-00001', percent: 100 }],
    );
    assert.ok(isReady(getService(pg.current, 'calm') as unknown as KObject));
  });

  test('status shows a rollout in flight; pin and deploy refuse to guess the stable revision', async () => {
    createService(pg.current, 'moving');
    await waitForStored(pg.current, 'moving', isReady);
    const def = pg.current.registry.resource('services', 'serving.knative.dev')!;
    pg.current.registry.patch(
      def,
      'default',
      'moving',
      'merge',
      { spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v2' }] } } } },
      { user: 'someone-else', fieldManager: 'kubectl' },
    );
    await waitForStored(
      pg.current,
      'moving',
      (o) => served(o) === 'moving-00001:99,moving-00002:1' && readyReason(o)?.reason === 'RolloutInProgress',
    );

    const st = await cli('status', 'moving');
    assert.equal(st.code, 0, st.stderr);
    assert.match(
      st.stdout,
      /Knative: +rolling out: 1% of target 100% to moving-00002 \(from moving-00001 99%\) over rollout-duration 60s/,
    );
    const json = await cli('status', 'moving', '-o', 'json');
    const doc = JSON.parse(json.stdout);
    assert.deepEqual(doc.gradualRollout, [
      {
        revisionName: 'moving-00002',
        percent: 1,
        targetPercent: 100,
        from: [{ revisionName: 'moving-00001', percent: 99 }],
      },
    ]);
    assert.equal(doc.rolloutDuration, '60s');

    // The list across namespaces shows the same move on the service's row, and its JSON item the
    // same fields; a service that is not rolling out has neither.
    const list = await cli('status', '-A');
    assert.equal(list.code, 0, list.stderr);
    const row = list.stdout.split('\n').find((l) => /^default +moving /.test(l));
    assert.ok(row, list.stdout);
    assert.match(row, /Unknown \(RolloutInProgress\)/);
    assert.match(row, /moving-00001 99% → moving-00002 1% \(rolling out over 60s\)/);
    const listJson = JSON.parse((await cli('status', '-A', '-o', 'json')).stdout);
    const item = listJson.items.find((i: { name: string }) => i.name === 'moving');
    assert.deepEqual(item.gradualRollout, doc.gradualRollout);
    assert.equal(item.rolloutDuration, '60s');
    const calm = listJson.items.find((i: { name: string }) => i.name === 'calm');
    assert.ok(calm && !('gradualRollout' in calm) && !('rolloutDuration' in calm), JSON.stringify(calm));

    for (const argv of [
      ['pin', 'moving'],
      ['deploy', 'moving', '--image', 'ghcr.io/bgctl/hello:v3'],
    ]) {
      const r = await cli(...argv, '--yes');
      assert.notEqual(r.code, 0, `${argv.join(' ')} should refuse`);
      assert.match(
        r.stderr,
        /split across moving-00001 \(99%\), moving-00002 \(1%\) by Knative's gradual rollout \(rollout-duration 60s\)/,
      );
      assert.match(r.stderr, /wait until the rollout completes/);
    }
    // Naming the revision is a choice: the pin ends Knative's rollout at once.
    const pin = await cli('pin', 'moving', '--revision', 'moving-00001', '--yes');
    assert.equal(pin.code, 0, pin.stderr);
    const after = await waitForStored(pg.current, 'moving', (o) => isReady(o) && served(o) === 'moving-00001:100');
    assert.equal(readyReason(after)?.status, 'True');
  });
});
