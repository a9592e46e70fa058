// API round trips of a fleet rollout, counted by each playground cluster's request log (counts, not timings): per
// target no more than a single `rollout --yes` of the same steps makes, measured here on the same clusters. The
// targets of a context share its connection and the waits of a namespace one watch (src/kube/namespace-watch.ts).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPlaygrounds, type PlaygroundCluster, type Playgrounds } from '../../src/sim/playground.js';
import type { Playground } from '../../src/sim/playground.js';
import yaml from 'js-yaml';
import { runCli } from '../helpers/cli.js';
import { createFleetService } from '../helpers/fleet.js';
import { requests, sim } from '../kube/sim-helpers.js';

const PER_CLUSTER = 4;

let kubeconfig = '';
/** The cluster as sim-helpers takes it: a kubeconfig whose first cluster entry (the CA it trusts) is this one. */
const asPlayground = (c: PlaygroundCluster): Playground => {
  const doc = yaml.load(kubeconfig) as { clusters: Array<{ cluster: { server: string } }> };
  const own = doc.clusters.filter((x) => x.cluster.server === c.server);
  return { ...c, kubeconfig: yaml.dump({ ...doc, clusters: own }) } as unknown as Playground;
};
const count = async (c: PlaygroundCluster, verb?: string) =>
  (await requests(asPlayground(c), verb ? { verb, resource: 'services' } : {})).length;

describe('fleet rollout: API requests per target', () => {
  let pgs: Playgrounds;
  before(async () => {
    pgs = await startPlaygrounds(2, { sample: 'hello' });
    kubeconfig = pgs.kubeconfig;
    await Promise.all(
      pgs.clusters.flatMap((c) => [
        createFleetService(c, 'single', { app: 'single' }),
        ...Array.from({ length: PER_CLUSTER }, (_, i) => createFleetService(c, `count-${i}`, { app: 'count' })),
      ]),
    );
  });
  after(async () => {
    await pgs?.stop();
  });
  const cli = (...argv: string[]) => runCli(argv, { env: { KUBECONFIG: pgs.kubeconfigPath, BGCTL_ACTOR: 'tester' } });
  const steps = ['--steps', '50,100', '--no-verify', '--yes', '-o', 'json'];

  test(`${PER_CLUSTER} services × 2 contexts, --max-parallel 4: each target costs no more requests than one rollout --yes`, async (t) => {
    const [one] = pgs.clusters;
    await sim(asPlayground(one), 'DELETE', 'requests');
    const single = await cli(
      'rollout',
      'single',
      '--context',
      one.context,
      '--image',
      'ghcr.io/bgctl/hello:v2',
      ...steps,
    );
    assert.equal(single.code, 0, single.stderr);
    const singleCount = await count(one);
    assert.equal(await count(one, 'watch'), 4, 'the single rollout waits on one watch per step');

    for (const c of pgs.clusters) await sim(asPlayground(c), 'DELETE', 'requests');
    const r = await cli(
      'rollout',
      '-l',
      'app=count',
      '--context',
      pgs.clusters.map((c) => c.context).join(','),
      '--image-tag',
      'v2',
      '--max-parallel',
      '4',
      ...steps,
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.outcome, 'completed');
    assert.equal(doc.targets.length, 2 * PER_CLUSTER);
    assert.ok(doc.targets.every((t: { outcome: string }) => t.outcome === 'promoted'));
    for (const c of pgs.clusters) {
      // Everything the fleet asked of this cluster, the LIST that found the targets included.
      const perTarget = (await count(c)) / PER_CLUSTER;
      t.diagnostic(`${c.context}: ${perTarget} requests per target (single rollout: ${singleCount})`);
      assert.ok(
        perTarget <= singleCount,
        `${c.context}: ${perTarget} requests per target, a single rollout makes ${singleCount}`,
      );
      assert.equal(
        await count(c, 'watch'),
        1,
        `${c.context}: one watch for the namespace, not one per target and step`,
      );
    }
  });
});
