// API round trips of an unattended rollout, counted by the playground's request log. Request counts
// are deterministic (unlike timings), so an upper bound per rollout guards against a step reading
// again what the previous step already returned (issue 5: ≤ 0.5 × the kubectl script's requests).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { requests, sim } from '../kube/sim-helpers.js';
import {
  cliEnv,
  createReadyService,
  foreignMergePatch,
  getService,
  specTraffic,
  waitForStored,
} from './step-helpers.js';
import { readState, StateAnnotations } from '../../src/core/state.js';

const NOW = () => new Date('2026-11-26T12:00:00Z');

/** "verb resource" → count, for the requests about one service and its revisions. */
async function countsSinceReset(pg: Parameters<typeof requests>[0]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const r of await requests(pg)) {
    const key = `${r.verb} ${r.resource ?? '-'}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('bgctl rollout: API requests per run', () => {
  const pg = usePlayground();
  const env = () => cliEnv(pg.current, { BGCTL_INGRESS: pg.current.ingress });

  for (const output of ['json', 'table'] as const) {
    test(`deploy, stage, split 50, promote (-o ${output}): each step writes once and waits on one watch, without re-reading`, async () => {
      const name = `count-${output}`;
      await createReadyService(pg.current, name);
      await sim(pg.current, 'DELETE', 'requests');
      const r = await runCli(
        [
          'rollout',
          name,
          '--image',
          'ghcr.io/bgctl/hello:v2',
          '--steps',
          '50,100',
          '--no-verify',
          '--yes',
          '-o',
          output,
        ],
        { env: env(), now: NOW },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(specTraffic(pg.current, name), [
        { tag: 'candidate', revisionName: `${name}-00002`, percent: 100 },
        { tag: 'previous', revisionName: `${name}-00001`, percent: 0 },
      ]);
      const counts = await countsSinceReset(pg.current);
      // One read of the service and its revisions to start, then per step one patch and one watch;
      // one revision list after the deploy (a new revision), one revision patch at promote. The
      // driver and the final document reuse what the steps returned (before: 32 requests). The run asks once
      // whether Flagger's canaries are served (`get -`: a 404 outside any resource the playground serves).
      assert.deepEqual(counts, {
        'get -': 1,
        'get services': 1,
        'list revisions': 2,
        'patch services': 4,
        'watch services': 4,
        'patch revisions': 1,
      });
      assert.equal(total(counts), 13);
    });
  }

  test('after a --pause the next step reads the service again (others may have written meanwhile)', async () => {
    await createReadyService(pg.current, 'count-pause');
    await sim(pg.current, 'DELETE', 'requests');
    const r = await runCli(
      [
        'rollout',
        'count-pause',
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--steps',
        '50,100',
        '--pause',
        '100ms',
        '--no-verify',
        '--yes',
        '-o',
        'json',
      ],
      { env: env(), now: NOW },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Pausing 0\.1s at 50% before the next step\./);
    const counts = await countsSinceReset(pg.current);
    // The promote after the pause plans on a fresh read (get + list) instead of the split's outcome.
    assert.deepEqual(counts, {
      'get -': 1,
      'get services': 2,
      'list revisions': 3,
      'patch services': 4,
      'watch services': 4,
      'patch revisions': 1,
    });
  });

  test('a stale copy is caught by the conditional write: another writer between two steps costs a 409 and a re-read, not a lost update', async () => {
    await createReadyService(pg.current, 'count-stale');
    await sim(pg.current, 'DELETE', 'requests');
    // Right after the split is routed (the event that ends the split's wait), someone else writes an
    // unrelated annotation: what the run carries into promote is now one write behind.
    const routed = waitForStored(
      pg.current,
      'count-stale',
      (o) =>
        o.metadata.annotations?.[StateAnnotations.phase] === 'split' &&
        o.status?.observedGeneration === o.metadata.generation &&
        (o.status?.traffic ?? []).some((t: { percent?: number }) => t.percent === 50) &&
        (o.status?.conditions ?? []).some(
          (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
        ),
      60_000,
    ).then(() =>
      foreignMergePatch(pg.current, 'count-stale', { metadata: { annotations: { 'example.com/owner': 'team-b' } } }),
    );
    const r = await runCli(
      [
        'rollout',
        'count-stale',
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--steps',
        '50,100',
        '--no-verify',
        '--yes',
        '-o',
        'json',
      ],
      { env: env(), now: NOW },
    );
    await routed;
    assert.equal(r.code, 0, r.stderr);
    const stored = getService(pg.current, 'count-stale');
    assert.equal(stored.metadata.annotations?.['example.com/owner'], 'team-b', "the other writer's change survives");
    assert.equal(readState(stored).state?.phase, 'promoted');
    assert.deepEqual(specTraffic(pg.current, 'count-stale'), [
      { tag: 'candidate', revisionName: 'count-stale-00002', percent: 100 },
      { tag: 'previous', revisionName: 'count-stale-00001', percent: 0 },
    ]);
    // Promote wrote on the carried copy, got 409, read again and wrote once more.
    const patches = await requests(pg.current, { verb: 'patch', resource: 'services' });
    assert.deepEqual(
      patches.map((p) => p.code),
      [200, 200, 200, 409, 200],
    );
    assert.equal((await requests(pg.current, { verb: 'get', resource: 'services' })).length, 2);
  });
});
