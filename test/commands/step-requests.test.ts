// Round trips of a step, from the playground's request log (deterministic, unlike timings): one read
// of the service and its revisions, one write on that read (no second GET), one watch, and a second
// revision list only after a deploy. With `known`, the engine makes no read at all; a stale `known`
// costs one 409 and a fresh read, and nothing is lost. Each command also asks once, beside the read, whether the
// cluster serves Flagger's canaries (a 404 from the playground, logged without a resource).
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { requests, sim } from '../kube/sim-helpers.js';
import type { StepOutcome } from '../../src/commands/traffic-step/engine.js';
import { runTrafficStep } from '../../src/commands/traffic-step/run.js';
import type { WriteFlags } from '../../src/commands/write-flags.js';
import { cliEnv, createReadyService, foreignMergePatch, getService, specTraffic, testContext } from './step-helpers.js';

/** "verb resource" per logged request, e.g. "get services", in order. */
async function log(pg: Parameters<typeof requests>[0]): Promise<string[]> {
  return (await requests(pg)).map((r) => `${r.verb} ${r.resource}${r.code >= 300 ? ` ${r.code}` : ''}`);
}

const counts = (lines: string[]) =>
  lines.reduce<Record<string, number>>((acc, l) => ((acc[l] = (acc[l] ?? 0) + 1), acc), {});
const flags: WriteFlags = { yes: true, wait: true, timeout: '30s' };
/** The list of flagger.app canaries, once per command: the playground does not serve that group. */
const FLAGGER_LOOKUP = 'get undefined 404';

describe('requests per step', () => {
  const pg = usePlayground();
  const cli = (...argv: string[]) => runCli(argv, { env: cliEnv(pg.current) });
  beforeEach(async () => {
    await sim(pg.current, 'DELETE', 'requests');
  });

  test('each step verb: get, list revisions, patch, watch; deploy lists the revisions once more after its wait', async () => {
    await createReadyService(pg.current, 'counted');
    const steps: Array<[string[], Record<string, number>]> = [
      [
        ['pin', 'counted'],
        { [FLAGGER_LOOKUP]: 1, 'get services': 1, 'list revisions': 1, 'patch services': 1, 'watch services': 1 },
      ],
      [
        ['deploy', 'counted', '--image', 'ghcr.io/bgctl/hello:v2'],
        { [FLAGGER_LOOKUP]: 1, 'get services': 1, 'list revisions': 2, 'patch services': 1, 'watch services': 1 },
      ],
      [
        ['stage', 'counted', '--tag', 'v2'],
        { [FLAGGER_LOOKUP]: 1, 'get services': 1, 'list revisions': 1, 'patch services': 1, 'watch services': 1 },
      ],
      [
        ['split', 'counted', '--percent', '50'],
        { [FLAGGER_LOOKUP]: 1, 'get services': 1, 'list revisions': 1, 'patch services': 1, 'watch services': 1 },
      ],
      [
        ['promote', 'counted'],
        {
          [FLAGGER_LOOKUP]: 1,
          'get services': 1,
          'list revisions': 1,
          'patch services': 1,
          'watch services': 1,
          'patch revisions': 1,
        },
      ],
    ];
    for (const [argv, want] of steps) {
      await sim(pg.current, 'DELETE', 'requests');
      const r = await cli(...argv, '--yes');
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
      const got = await log(pg.current);
      assert.deepEqual(counts(got), want, `${argv[0]}: ${got.join(', ')}`);
      // The write comes straight after the read: no second GET of the service before it.
      const reads = got.filter((l) => l !== FLAGGER_LOOKUP);
      assert.deepEqual(reads.slice(2, 3), ['patch services'], `${argv[0]}: ${got.join(', ')}`);
    }
    assert.deepEqual(specTraffic(pg.current, 'counted'), [
      { tag: 'v2', revisionName: 'counted-00002', percent: 100 },
      { tag: 'previous', revisionName: 'counted-00001', percent: 0 },
    ]);
  });

  test('the table after a traffic move shows readiness from the revisions the step planned on', async () => {
    await createReadyService(pg.current, 'shown');
    const r = await cli('pin', 'shown', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /shown-00001\s.*100%/);
    assert.match(r.stdout, /shown-00001.*True|True.*shown-00001/);
  });

  test("runTrafficStep with known: no read at all; the outcome carries the next step's known", async () => {
    await createReadyService(pg.current, 'chained');
    const ctx = testContext(pg.current);
    const pin = await runTrafficStep(ctx, {
      service: 'chained',
      intent: { kind: 'pin' } as any,
      flags,
      question: () => 'ok?',
    });
    assert.equal(pin.result, 'applied');
    assert.deepEqual(
      pin.revisions.map((r) => r.metadata.name),
      ['chained-00001'],
    );

    await sim(pg.current, 'DELETE', 'requests');
    const deploy = await runTrafficStep(ctx, {
      service: 'chained',
      intent: { kind: 'deploy', image: 'ghcr.io/bgctl/hello:v2' } as any,
      flags,
      question: () => 'ok?',
      known: { service: pin.service, revisions: pin.revisions },
    });
    assert.equal(deploy.newRevision, 'chained-00002');
    assert.deepEqual(deploy.revisions.map((r) => r.metadata.name).sort(), ['chained-00001', 'chained-00002']);
    assert.deepEqual(await log(pg.current), ['patch services', 'watch services', 'list revisions']);

    await sim(pg.current, 'DELETE', 'requests');
    let outcome: StepOutcome = deploy;
    for (const intent of [{ kind: 'stage', tag: 'v2' }, { kind: 'split', percent: 50 }, { kind: 'promote' }]) {
      outcome = await runTrafficStep(ctx, {
        service: 'chained',
        intent: intent as any,
        flags,
        question: () => 'ok?',
        known: { service: outcome.service, revisions: outcome.revisions },
      });
      assert.equal(outcome.result, 'applied', intent.kind);
    }
    assert.deepEqual(counts(await log(pg.current)), { 'patch services': 3, 'watch services': 3, 'patch revisions': 1 });
    // promote annotated the previous revision: the outcome carries the patched object, not the stale one.
    const previous = outcome.revisions.find((r) => r.metadata.name === 'chained-00001');
    assert.equal(previous?.metadata.annotations?.['serving.knative.dev/no-gc'], 'true');
    assert.deepEqual(specTraffic(pg.current, 'chained'), [
      { tag: 'v2', revisionName: 'chained-00002', percent: 100 },
      { tag: 'previous', revisionName: 'chained-00001', percent: 0 },
    ]);
  });

  test('a stale known is refused by the precondition, read again and planned again; the other change is kept', async () => {
    const created = await createReadyService(pg.current, 'stale');
    const ctx = testContext(pg.current);
    const first = await runTrafficStep(ctx, {
      service: 'stale',
      intent: { kind: 'pin' } as any,
      flags,
      question: () => 'ok?',
    });
    foreignMergePatch(pg.current, 'stale', { metadata: { labels: { team: 'b' } } });
    await sim(pg.current, 'DELETE', 'requests');
    const out = await runTrafficStep(ctx, {
      service: 'stale',
      intent: { kind: 'deploy', image: 'ghcr.io/bgctl/hello:v3' } as any,
      flags: { ...flags, wait: false },
      question: () => 'ok?',
      known: { service: first.service, revisions: first.revisions },
    });
    assert.equal(out.result, 'applied');
    assert.equal(out.attempts, 2);
    assert.ok(out.replans.length >= 1);
    assert.deepEqual((await log(pg.current)).slice(0, 4), [
      'patch services 409',
      'get services',
      'list revisions',
      'patch services',
    ]);
    const stored = getService(pg.current, 'stale');
    assert.equal(stored.metadata.labels?.team, 'b');
    assert.equal(stored.spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v3');
    assert.notEqual(stored.metadata.resourceVersion, created.metadata.resourceVersion);
  });
});
