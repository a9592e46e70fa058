// Another client writes the Service while bgctl is between its read and its write. bgctl must
// never send a stale plan: it plans again from the fresh object, keeping a foreign tag, or stops
// with a conflict (exit 5) saying what changed when its intent no longer applies.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { requests, sim } from '../kube/sim-helpers.js';
import { carryOutStep, prepareStep, settleWithoutWriting } from '../../src/commands/traffic-step/engine.js';
import { runTrafficStep } from '../../src/commands/traffic-step/run.js';
import { ConflictError, exitCodeOf } from '../../src/core/errors.js';
import type { KnativeClient } from '../../src/kube/client.js';
import {
  cliEnv,
  createReadyService,
  foreignMergePatch,
  specTraffic,
  testContext,
  waitForStored,
} from './step-helpers.js';

const YES = { yes: true, wait: true, timeout: '30s' } as const;

describe('concurrent writers', () => {
  const pg = usePlayground();

  test('a foreign tag added after the plan was shown survives: bgctl plans again', async () => {
    await createReadyService(pg.current, 'race-tag');
    const ctx = testContext(pg.current);
    const step = await prepareStep(ctx, {
      service: 'race-tag',
      intent: { kind: 'pin' },
      flags: YES,
      question: () => 'Pin?',
    });
    // Someone else writes after the plan was shown, before bgctl writes.
    foreignMergePatch(pg.current, 'race-tag', {
      spec: {
        traffic: [
          { latestRevision: true, percent: 100 },
          { tag: 'qa', revisionName: 'race-tag-00001', percent: 0 },
        ],
      },
    });
    assert.equal(await settleWithoutWriting(ctx, step), undefined);
    const outcome = await carryOutStep(ctx, step);
    const replans = outcome.replans.map((r) => r.attempt);
    assert.equal(outcome.result, 'applied');
    // The first write uses the step's own read, meets the foreign change as a 409 and plans again
    // (round 2); the controllers' status writes after the foreign change may force one more round.
    assert.equal(replans[0], 2);
    assert.deepEqual(specTraffic(pg.current, 'race-tag'), [
      { revisionName: 'race-tag-00001', percent: 100 },
      { tag: 'qa', revisionName: 'race-tag-00001', percent: 0 },
    ]);
  });

  test("a write that lands between bgctl's read and its PATCH gets a real 409; the re-plan keeps it", async () => {
    await createReadyService(pg.current, 'race-409');
    await sim(pg.current, 'DELETE', 'requests');
    const ctx = testContext(pg.current);
    const real = await ctx.kube();
    let raced = false;
    // The other writer strikes right before bgctl's first PATCH goes out, after its fresh read.
    const racing: KnativeClient = Object.create(real, {
      patchService: {
        value: (
          name: string,
          ops: Parameters<KnativeClient['patchService']>[1],
          o?: Parameters<KnativeClient['patchService']>[2],
        ) => {
          if (!raced) {
            raced = true;
            foreignMergePatch(pg.current, name, {
              spec: {
                traffic: [
                  { latestRevision: true, percent: 100 },
                  { tag: 'canary-check', revisionName: 'race-409-00001', percent: 0 },
                ],
              },
            });
          }
          return real.patchService(name, ops, o);
        },
      },
    });
    ctx.kube = async () => racing;
    const outcome = await runTrafficStep(ctx, {
      service: 'race-409',
      intent: { kind: 'pin' },
      flags: YES,
      question: () => 'Pin?',
    });
    const patches = await requests(pg.current, { verb: 'patch', resource: 'services', name: 'race-409' });
    // The controllers' status writes after the foreign change may cost another round.
    const codes = patches.map((p) => p.code);
    assert.equal(codes[0], 409);
    assert.equal(codes.at(-1), 200);
    assert.ok(
      codes.slice(0, -1).every((c) => c === 409),
      codes.join(','),
    );
    assert.equal(outcome.attempts, codes.length);
    assert.deepEqual(specTraffic(pg.current, 'race-409'), [
      { revisionName: 'race-409-00001', percent: 100 },
      { tag: 'canary-check', revisionName: 'race-409-00001', percent: 0 },
    ]);
  });

  test('a foreign traffic change stops the split with a conflict (exit 5) and is not overwritten', async () => {
    await createReadyService(pg.current, 'race-split');
    const env = cliEnv(pg.current);
    for (const argv of [
      ['pin', 'race-split'],
      ['deploy', 'race-split', '--image', 'ghcr.io/bgctl/hello:v2'],
      ['stage', 'race-split', '--tag', 'v2'],
    ]) {
      const r = await runCli([...argv, '--yes'], { env });
      assert.equal(r.code, 0, r.stderr);
    }
    const foreign = [
      { tag: 'stable', revisionName: 'race-split-00001', percent: 90 },
      { tag: 'v2', revisionName: 'race-split-00002', percent: 10 },
    ];
    const ctx = testContext(pg.current);
    const step = await prepareStep(ctx, {
      service: 'race-split',
      intent: { kind: 'split', percent: 50 },
      flags: YES,
      question: () => 'Split?',
    });
    foreignMergePatch(pg.current, 'race-split', { spec: { traffic: foreign } });
    await assert.rejects(carryOutStep(ctx, step), (err: unknown) => {
      assert.ok(err instanceof ConflictError);
      assert.equal(exitCodeOf(err), 5);
      assert.match(
        err.message,
        /traffic of service "race-split" changed while planning: it was race-split-00001 100%, it is now race-split-00001 90%, race-split-00002 10%/,
      );
      return true;
    });
    assert.deepEqual(specTraffic(pg.current, 'race-split'), foreign);
  });

  test('the candidate deleted between the read and the write: exit 5 naming it, nothing written', async () => {
    // The candidate is an older revision (a deleted latest one would be recreated by its Configuration).
    await createReadyService(pg.current, 'race-del');
    foreignMergePatch(pg.current, 'race-del', {
      spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v2' }] } } },
    });
    await waitForStored(
      pg.current,
      'race-del',
      (o) =>
        o.status?.latestReadyRevisionName === 'race-del-00002' &&
        o.status?.traffic?.[0]?.revisionName === 'race-del-00002',
    );
    const env = cliEnv(pg.current);
    for (const argv of [
      ['pin', 'race-del'],
      ['stage', 'race-del', '--revision', 'race-del-00001', '--tag', 'old'],
    ]) {
      const r = await runCli([...argv, '--yes'], { env });
      assert.equal(r.code, 0, r.stderr);
    }
    const revDef = pg.current.registry.resource('revisions', 'serving.knative.dev')!;
    const left = [{ tag: 'stable', revisionName: 'race-del-00002', percent: 100 }];
    await sim(pg.current, 'DELETE', 'requests');
    const ctx = testContext(pg.current);
    const step = await prepareStep(ctx, {
      service: 'race-del',
      intent: { kind: 'split', percent: 50 },
      flags: YES,
      question: () => 'Split?',
    });
    // Someone else drops the candidate's target and deletes the revision.
    foreignMergePatch(pg.current, 'race-del', { spec: { traffic: left } });
    pg.current.registry.delete(revDef, 'default', 'race-del-00001', { user: 'someone-else' });
    await assert.rejects(carryOutStep(ctx, step), (err: unknown) => {
      assert.ok(err instanceof ConflictError, String(err));
      assert.equal(exitCodeOf(err), 5);
      assert.equal(err.reason, 'RevisionDeleted');
      assert.match(err.message, /candidate revision "race-del-00001" was deleted while planning/);
      return true;
    });
    assert.deepEqual(specTraffic(pg.current, 'race-del'), left);
    // The one PATCH sent was the guarded first write, refused with 409: nothing was written.
    const patches = await requests(pg.current, { verb: 'patch', resource: 'services', name: 'race-del' });
    assert.deepEqual(
      patches.map((r: any) => r.code),
      [409],
    );
  });
});
