// Two fleets started at once on the same idle targets (two CI jobs), over two playground clusters, both in this
// process through main(). Writes are slowed so both fleets read every target before either write lands: the
// conditional write of one gets a 409, re-reads, and is refused (RolloutInProgress, exit 5 for that target). Each
// target ends with exactly one rollout, that of the fleet that won it; the loser never writes over it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import { startPlaygrounds, type Playgrounds, type Playground } from '../../src/sim/playground.js';
import { readState } from '../../src/core/state.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { createFleetService, stored } from '../helpers/fleet.js';
import { requests, sim } from '../kube/sim-helpers.js';

const BOTH = 'playground-1,playground-2';
const IMAGES = ['ghcr.io/bgctl/hello:v2', 'ghcr.io/bgctl/hello:v3'];

describe('two fleets started at once on the same targets', () => {
  let pgs: Playgrounds;
  let asPlayground: Playground[];
  before(async () => {
    pgs = await startPlaygrounds(2, { sample: 'hello' });
    await Promise.all([
      ...pgs.clusters.map((c) => createFleetService(c, 'race', { grp: 'race' })),
      ...pgs.clusters.map((c) => createFleetService(c, 'both', { grp: 'both' })),
    ]);
    const kc = yaml.load(pgs.kubeconfig) as any;
    asPlayground = pgs.clusters.map(
      (c, i) => ({ ...c, kubeconfig: yaml.dump({ clusters: [kc.clusters[i]] }) }) as unknown as Playground,
    );
  });
  after(async () => {
    await pgs?.stop();
  });
  const env = () => ({ KUBECONFIG: pgs.kubeconfigPath, BGCTL_ACTOR: 'tester' });

  /** Both fleets at once, with every PATCH held 0.8 s by the API servers so both read before either writes. */
  async function raceTwo(grp: string, extra: string[]): Promise<CliResult[]> {
    await Promise.all(asPlayground.map((p) => sim(p, 'DELETE', 'requests')));
    await Promise.all(
      asPlayground.map((p) => sim(p, 'POST', 'faults', { latencyMs: 800, verbs: ['patch'], resources: ['services'] })),
    );
    try {
      return await Promise.all(
        IMAGES.map((image) =>
          runCli(
            [
              'rollout',
              '-l',
              `grp=${grp}`,
              '--context',
              BOTH,
              '--image',
              image,
              '--no-verify',
              ...extra,
              '--yes',
              '-o',
              'json',
            ],
            { env: env() },
          ),
        ),
      );
    } finally {
      await Promise.all(asPlayground.map((p) => sim(p, 'DELETE', 'faults')));
    }
  }

  /** Every rollout recorded on the target (the record and its history), by id. */
  function rolloutsOn(i: number, name: string) {
    const { state, history } = readState(stored(pgs.clusters[i], name));
    const all = new Map([...history, ...(state ? [state] : [])].map((r) => [r.id, r]));
    return [...all.values()];
  }

  /** The conditional write lost a race: a 409 the server gave on its own (no injected fault). */
  async function raced(name: string): Promise<boolean> {
    const logs = await Promise.all(asPlayground.map((p) => requests(p, { verb: 'patch', resource: 'services', name })));
    return logs.flat().some((r) => r.code === 409 && !r.fault);
  }

  test('the same first wave: one fleet wins it and rolls out everywhere; the other fails there (exit 5) and stops', async () => {
    const results = await raceTwo('race', []);
    const docs = results.map((r) => JSON.parse(r.stdout));
    const winner = results.findIndex((r) => r.code === 0);
    assert.ok(winner >= 0, results.map((r) => r.stderr).join('\n---\n'));
    const loser = 1 - winner;
    assert.equal(results[loser].code, 1, results[loser].stderr);
    assert.ok(await raced('race'), 'both fleets read before either wrote: the second write was a 409');

    const lost = Object.fromEntries(docs[loser].targets.map((t: any) => [t.context, t]));
    assert.equal(lost['playground-1'].outcome, 'failed', JSON.stringify(lost['playground-1']));
    assert.match(lost['playground-1'].reason, /^Rollout(InProgress|Changed)$/);
    assert.equal(lost['playground-1'].rolloutId, undefined, 'the winner’s rollout is not claimed');
    assert.equal(lost['playground-1'].exitCode, 5);
    assert.equal(lost['playground-2'].outcome, 'not-started');
    assert.match(
      results[loser].stderr,
      /fleet fleet-\S+ stopped: playground-1\/default\/race: .*found rollout \S+ \(deployed, by tester/,
    );
    assert.deepEqual(
      docs[winner].targets.map((t: any) => `${t.context}:${t.outcome}`),
      ['playground-1:promoted', 'playground-2:promoted'],
    );
    for (const [i, c] of pgs.clusters.entries()) {
      const rollouts = rolloutsOn(i, 'race');
      assert.equal(rollouts.length, 1, `${c.context}: exactly one rollout`);
      assert.equal(rollouts[0].fleet, docs[winner].fleet, c.context);
      assert.equal(rollouts[0].phase, 'promoted', c.context);
      const svc = stored(c, 'race');
      assert.equal(svc.spec.template.spec.containers[0].image, IMAGES[winner], `${c.context}: the winner’s image`);
      assert.deepEqual(
        (svc.spec.traffic ?? []).filter((t) => (t.percent ?? 0) > 0).map((t) => [t.revisionName, t.percent]),
        [['race-00002', 100]],
        `${c.context}: the winner’s traffic`,
      );
    }
  });

  test('both targets at once (--first-wave 2): each target has one rollout, the loser of each race never wrote it', async () => {
    const results = await raceTwo('both', ['--first-wave', '2', '--max-parallel', '2']);
    const docs = results.map((r) => JSON.parse(r.stdout));
    assert.ok(await raced('both'), 'the fleets raced on a target');
    let refusals = 0;
    for (const [i, c] of pgs.clusters.entries()) {
      const rollouts = rolloutsOn(i, 'both');
      assert.equal(rollouts.length, 1, `${c.context}: exactly one rollout`);
      const winner = docs.findIndex((d) => d.fleet === rollouts[0].fleet);
      assert.ok(winner >= 0, `${c.context}: the rollout is one of the two fleets'`);
      const won = docs[winner].targets.find((t: any) => t.context === c.context);
      const lost = docs[1 - winner].targets.find((t: any) => t.context === c.context);
      assert.equal(won.rolloutId, rollouts[0].id, c.context);
      // The loser was refused at its write, or its fleet had stopped before it wrote anything.
      if (lost.outcome === 'failed') {
        assert.match(lost.reason, /^Rollout(InProgress|Changed)$/, JSON.stringify(lost));
        assert.equal(lost.exitCode, 5, JSON.stringify(lost));
        assert.equal(lost.rolloutId, undefined, 'the winner’s rollout is not claimed');
        refusals++;
      } else assert.equal(lost.outcome, 'not-started', JSON.stringify(lost));
      // The winner's rollout ended as the winner left it: promoted, or aborted by its own fleet's stop.
      assert.ok(['promoted', 'aborted'].includes(won.outcome), JSON.stringify(won));
      assert.equal(rollouts[0].phase, won.phase, c.context);
      const svc = stored(c, 'both');
      const routed = (svc.spec.traffic ?? []).filter((t) => (t.percent ?? 0) > 0);
      const expected = won.outcome === 'promoted' ? 'both-00002' : 'both-00001';
      assert.deepEqual(
        routed.map((t) => [t.revisionName, t.percent]),
        [[expected, 100]],
        c.context,
      );
      if (won.outcome === 'promoted')
        assert.equal(svc.spec.template.spec.containers[0].image, IMAGES[winner], `${c.context}: the winner’s image`);
    }
    assert.ok(refusals > 0, 'at least one target refused a fleet');
    for (const r of results) assert.ok([0, 1].includes(r.code), r.stderr);
  });
});
