// Injected API faults (POST /sim/v1/faults with a seed): a 409 on the write, 429 and 503 answers
// and closed watch streams are retried, the step completes, and the request log shows the retries.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { requests, sim } from '../kube/sim-helpers.js';
import { SimControl, type Fault, type FaultConfig } from '../../src/sim/api/sim-control.js';
import { cliEnv, createReadyService, getService, specTraffic } from './step-helpers.js';

/**
 * A seed under which the server's seeded PRNG answers the first PATCHes of services with `want`
 * (undefined: no fault), found by replaying the same PRNG the server uses.
 */
function seedFor(cfg: FaultConfig, want: Array<Fault['kind'] | undefined>): number {
  for (let seed = 1; seed < 10_000; seed++) {
    const c = new SimControl();
    assert.equal(c.setFaults({ ...cfg, seed }), undefined);
    if (want.every((kind) => c.pickFault('patch', 'services')?.kind === kind)) return seed;
  }
  throw new Error('no seed gives that fault sequence');
}

describe('step verbs under injected faults', () => {
  const pg = usePlayground();
  const cli = (...argv: string[]) => runCli(argv, { env: cliEnv(pg.current) });
  beforeEach(async () => {
    await sim(pg.current, 'DELETE', 'requests');
  });
  afterEach(async () => {
    await sim(pg.current, 'DELETE', 'faults');
  });

  test('a 409 on the write is retried from a fresh read and the pin lands once', async () => {
    await createReadyService(pg.current, 'conflicted');
    const cfg: FaultConfig = { conflictProbability: 0.5, verbs: ['patch'], resources: ['services'] };
    await sim(pg.current, 'POST', 'faults', { ...cfg, seed: seedFor(cfg, ['conflict', undefined]) });
    const r = await cli('pin', 'conflicted', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(specTraffic(pg.current, 'conflicted'), [{ revisionName: 'conflicted-00001', percent: 100 }]);
    const patches = await requests(pg.current, { verb: 'patch', resource: 'services', name: 'conflicted' });
    assert.deepEqual(
      patches.map((p) => p.code),
      [409, 200],
    );
    // The first attempt writes on the plan's read; only the retry after the 409 reads again.
    const gets = await requests(pg.current, { verb: 'get', resource: 'services', name: 'conflicted' });
    assert.equal(gets.length, 2);
  });

  test('429 and 503 answers to the write are retried and the step completes', async () => {
    await createReadyService(pg.current, 'throttled');
    const cfg: FaultConfig = {
      throttleProbability: 0.5,
      unavailableProbability: 0.5,
      retryAfterSeconds: 0,
      verbs: ['patch'],
      resources: ['services'],
    };
    await sim(pg.current, 'POST', 'faults', { ...cfg, seed: seedFor(cfg, ['throttle', 'unavailable', undefined]) });
    const r = await cli('pin', 'throttled', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(specTraffic(pg.current, 'throttled'), [{ revisionName: 'throttled-00001', percent: 100 }]);
    const patches = await requests(pg.current, { verb: 'patch', resource: 'services', name: 'throttled' });
    assert.deepEqual(
      patches.map((p) => p.code),
      [429, 503, 200],
    );
  });

  test('a 409 on every attempt gives up with exit 5 and writes nothing', async () => {
    await createReadyService(pg.current, 'stuck');
    const before = getService(pg.current, 'stuck').metadata.resourceVersion;
    await sim(pg.current, 'POST', 'faults', {
      conflictProbability: 1,
      verbs: ['patch'],
      resources: ['services'],
      seed: 1,
    });
    const r = await cli('pin', 'stuck', '--yes');
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /kept changing while bgctl tried to update it \(5 attempts\)/);
    assert.equal(getService(pg.current, 'stuck').metadata.resourceVersion, before);
  });

  test('watch streams closed by the server are resumed until the new revision is ready', async () => {
    await createReadyService(pg.current, 'flaky-watch');
    await sim(pg.current, 'POST', 'faults', { closeWatchAfterMs: 100 });
    const r = await cli(
      'deploy',
      'flaky-watch',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/ready-after=600ms',
      '--yes',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(getService(pg.current, 'flaky-watch').status?.latestReadyRevisionName, 'flaky-watch-00002');
    const watches = await requests(pg.current, { verb: 'watch', resource: 'services' });
    assert.ok(watches.length >= 2, `expected the watch to be reopened, saw ${watches.length}`);
  });
});
