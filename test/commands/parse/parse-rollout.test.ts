// Parse tests of `bgctl rollout` and `bgctl demo`: every flag to its RolloutOptions field, the
// defaults, BGCTL_IMAGE and BGCTL_INGRESS, and the combinations refused before anything is read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOpts, usage } from '../../helpers/parse-verb.js';
import type { RolloutOptions } from '../../../src/commands/rollout/options.js';
import type { DemoOptions } from '../../../src/commands/demo/options.js';
import { rolloutDefaults } from './rollout-defaults.js';

const rollout = (...argv: string[]) => parseOpts<RolloutOptions>(['rollout', 'hello', ...argv]);
const rolloutEnv = (env: Record<string, string>, ...argv: string[]) =>
  parseOpts<RolloutOptions>(['rollout', 'hello', ...argv], env);

describe('rollout options', () => {
  test('defaults: percents 50,100, verify and roll back, until promoted', async () => {
    assert.deepEqual(await rollout(), rolloutDefaults());
  });

  test('no SERVICE: left to the wizard', async () => {
    assert.deepEqual(await parseOpts<RolloutOptions>(['rollout']), rolloutDefaults({ service: undefined }));
  });

  test('a new revision from --image, --env and --annotation (raw values kept for the equivalent commands)', async () => {
    const opts = await rollout(
      '--image',
      'ghcr.io/acme/hello:v2',
      '--env',
      'MODE=blue',
      '--env',
      'OLD-',
      '--annotation',
      'a.dev/x=1',
      '--annotation',
      'b-',
    );
    assert.deepEqual(
      opts,
      rolloutDefaults({
        image: 'ghcr.io/acme/hello:v2',
        env: [
          { name: 'MODE', value: 'blue' },
          { name: 'OLD', remove: true },
        ],
        envRaw: ['MODE=blue', 'OLD-'],
        annotations: { 'a.dev/x': '1', b: null },
        annotationRaw: ['a.dev/x=1', 'b-'],
      }),
    );
  });

  test('an existing --revision, the tags, --retire and --take-over', async () => {
    const opts = await rollout(
      '--revision',
      'hello-00002',
      '--tag',
      'green',
      '--stable-tag',
      'blue',
      '--previous-tag',
      'old',
      '--retire',
      '--take-over',
    );
    assert.deepEqual(
      opts,
      rolloutDefaults({
        revision: 'hello-00002',
        tag: 'green',
        stableTag: 'blue',
        previousTag: 'old',
        retire: true,
        takeOver: true,
      }),
    );
  });

  test('--percents, --pause, --until', async () => {
    const opts = await rollout('--percents', '10, 50,100', '--pause', '1m30s', '--until', 'staged');
    assert.deepEqual(opts, rolloutDefaults({ percents: [10, 50, 100], pauseMs: 90_000, until: 'staged' }));
    for (const until of ['verified', 'split', 'promoted'] as const) {
      assert.deepEqual(await rollout('--until', until), rolloutDefaults({ until }));
    }
  });

  test('--steps is the old name of --percents', async () => {
    assert.deepEqual(await rollout('--steps', '25,100'), rolloutDefaults({ percents: [25, 100] }));
  });

  test('--steps together with --percents is refused', async () => {
    await assert.rejects(
      rollout('--steps', '25,100', '--percents', '10,100'),
      usage('ConflictingFlags', /--steps is the old name of --percents/),
    );
    // Even when --percents spells out the default: the two flags were both given.
    await assert.rejects(rollout('--steps', '25,100', '--percents', '50,100'), usage('ConflictingFlags'));
  });

  test('bad --percents and --steps lists are refused naming the flag', async () => {
    await assert.rejects(
      rollout('--percents', '50,10'),
      usage('InvalidSteps', /--percents "50,10": steps must increase/),
    );
    await assert.rejects(
      rollout('--percents', '0,100'),
      usage('InvalidSteps', /--percents "0,100": a step must be at least 1/),
    );
    await assert.rejects(rollout('--percents', '50,101'), usage('InvalidPercent', /--percents/));
    await assert.rejects(rollout('--steps', '50,x'), usage('InvalidPercent', /--steps/));
  });

  test('a bad --pause is refused', async () => {
    await assert.rejects(rollout('--pause', '5'), usage('InvalidDuration', /"5" for --pause/));
    await assert.rejects(rollout('--pause', '169h'), usage('InvalidDuration', /"169h" for --pause: at most 168h/));
  });

  test("--until outside its choices is commander's InvalidChoice", async () => {
    await assert.rejects(rollout('--until', 'done'), usage('InvalidChoice', /'done'/));
  });

  test('the HTTP checks as typed, --no-verify and --no-rollback', async () => {
    const opts = await rollout(
      '--verify-path',
      '/healthz',
      '--expect-status',
      '2xx',
      '--expect-body',
      '^ok',
      '--requests',
      '5',
      '--max-latency',
      '500ms',
      '--ingress',
      '127.0.0.1:8080',
      '--no-verify',
      '--no-rollback',
    );
    assert.deepEqual(
      opts,
      rolloutDefaults({
        verify: {
          path: '/healthz',
          expectStatus: '2xx',
          expectBody: '^ok',
          requests: '5',
          maxLatency: '500ms',
          ingress: '127.0.0.1:8080',
        },
        noVerify: true,
        rollbackOnFailure: false,
      }),
    );
  });

  test('bad HTTP checks are refused before the rollout writes anything', async () => {
    await assert.rejects(rollout('--verify-path', 'healthz'), usage('InvalidPath', /for --verify-path/));
    await assert.rejects(rollout('--expect-status', 'ok'), usage('InvalidStatus', /--expect-status/));
    await assert.rejects(rollout('--expect-body', '('), usage('InvalidRegex', /--expect-body/));
    await assert.rejects(rollout('--requests', '0'), usage('InvalidRequests', /--requests/));
    await assert.rejects(rollout('--max-latency', 'fast'), usage('InvalidDuration', /--max-latency/));
    await assert.rejects(rollout('--ingress', 'localhost'), usage('InvalidIngress', /for --ingress/));
  });

  test('BGCTL_INGRESS fills --ingress; the flag wins; an empty --ingress falls back to it', async () => {
    assert.deepEqual(
      await rolloutEnv({ BGCTL_INGRESS: '127.0.0.1:9000' }),
      rolloutDefaults({ verify: { ingress: '127.0.0.1:9000' } }),
    );
    assert.deepEqual(
      await rolloutEnv({ BGCTL_INGRESS: '127.0.0.1:9000' }, '--ingress', '[::1]:8080'),
      rolloutDefaults({ verify: { ingress: '[::1]:8080' } }),
    );
    assert.deepEqual(
      await rolloutEnv({ BGCTL_INGRESS: '127.0.0.1:9000' }, '--ingress', ''),
      rolloutDefaults({ verify: { ingress: '127.0.0.1:9000' } }),
    );
  });

  test('a bad BGCTL_INGRESS is named as BGCTL_INGRESS (and ignored when --ingress is given)', async () => {
    await assert.rejects(rolloutEnv({ BGCTL_INGRESS: 'nope' }), usage('InvalidIngress', /"nope" for BGCTL_INGRESS/));
    assert.deepEqual(
      await rolloutEnv({ BGCTL_INGRESS: 'nope' }, '--ingress', 'h:1'),
      rolloutDefaults({ verify: { ingress: 'h:1' } }),
    );
  });

  test('BGCTL_INGRESS is not read when nothing will be verified: --abort and --no-verify ignore a stale value', async () => {
    assert.deepEqual(await rolloutEnv({ BGCTL_INGRESS: 'nope' }, '--abort'), rolloutDefaults({ abort: true }));
    assert.deepEqual(await rolloutEnv({ BGCTL_INGRESS: 'nope' }, '--no-verify'), rolloutDefaults({ noVerify: true }));
  });

  test('BGCTL_IMAGE is the image when nothing else names the new revision', async () => {
    assert.deepEqual(await rolloutEnv({ BGCTL_IMAGE: 'img:env' }), rolloutDefaults({ image: 'img:env' }));
    assert.deepEqual(
      await rolloutEnv({ BGCTL_IMAGE: 'img:env' }, '--image', 'img:flag'),
      rolloutDefaults({ image: 'img:flag' }),
    );
    assert.deepEqual(await rolloutEnv({ BGCTL_IMAGE: '' }), rolloutDefaults());
  });

  test('BGCTL_IMAGE is not used with --env, --annotation, --revision, --resume or --abort', async () => {
    const env = { BGCTL_IMAGE: 'img:env' };
    assert.deepEqual(
      await rolloutEnv(env, '--env', 'A=1'),
      rolloutDefaults({ env: [{ name: 'A', value: '1' }], envRaw: ['A=1'] }),
    );
    assert.deepEqual(
      await rolloutEnv(env, '--annotation', 'a.dev/x=1'),
      rolloutDefaults({ annotations: { 'a.dev/x': '1' }, annotationRaw: ['a.dev/x=1'] }),
    );
    assert.deepEqual(await rolloutEnv(env, '--revision', 'hello-00002'), rolloutDefaults({ revision: 'hello-00002' }));
    assert.deepEqual(await rolloutEnv(env, '--resume'), rolloutDefaults({ resume: true }));
    assert.deepEqual(await rolloutEnv(env, '--abort'), rolloutDefaults({ abort: true }));
  });

  test('a bad BGCTL_IMAGE is a usage error naming BGCTL_IMAGE', async () => {
    await assert.rejects(rolloutEnv({ BGCTL_IMAGE: 'img v2' }), usage('InvalidEnv', /BGCTL_IMAGE/));
  });

  test('--resume --take-over continues from changed traffic', async () => {
    assert.deepEqual(
      await rollout('--resume', '--take-over', '--yes'),
      rolloutDefaults({ resume: true, takeOver: true, write: { yes: true, wait: true, timeout: '5m' } }),
    );
  });

  test('--resume with --abort is refused', async () => {
    await assert.rejects(rollout('--resume', '--abort'), usage('ConflictingFlags', /--resume or --abort/));
  });

  test('--resume or --abort with a new revision is refused', async () => {
    await assert.rejects(
      rollout('--resume', '--image', 'img:2'),
      usage('ConflictingFlags', /--resume works on the recorded rollout/),
    );
    await assert.rejects(
      rollout('--resume', '--env', 'A=1'),
      usage('ConflictingFlags', /--resume works on the recorded rollout/),
    );
    await assert.rejects(
      rollout('--abort', '--annotation', 'a.dev/x=1'),
      usage('ConflictingFlags', /--abort works on the recorded rollout/),
    );
    await assert.rejects(
      rollout('--abort', '--revision', 'hello-00002'),
      usage('ConflictingFlags', /--abort works on the recorded rollout/),
    );
  });

  test('--revision with --image, --env or --annotation is refused', async () => {
    await assert.rejects(
      rollout('--revision', 'hello-00002', '--image', 'img:2'),
      usage('ConflictingFlags', /either --revision/),
    );
    await assert.rejects(
      rollout('--revision', 'hello-00002', '--env', 'A=1'),
      usage('ConflictingFlags', /either --revision/),
    );
    await assert.rejects(
      rollout('--revision', 'hello-00002', '--annotation', 'a.dev/x=1'),
      usage('ConflictingFlags', /either --revision/),
    );
  });

  test('--tag equal to --stable-tag is refused', async () => {
    await assert.rejects(
      rollout('--tag', 'blue', '--stable-tag', 'blue'),
      usage('SameTags', /--tag and --stable-tag must differ \(both "blue"\)/),
    );
  });

  test('invalid tags, revision, image, env and annotation are refused', async () => {
    await assert.rejects(rollout('--tag', 'V2_bad'), usage('InvalidTag', /"V2_bad"/));
    await assert.rejects(rollout('--stable-tag', 'Stable'), usage('InvalidTag', /"Stable"/));
    await assert.rejects(rollout('--previous-tag', 'prev_1'), usage('InvalidTag', /"prev_1"/));
    await assert.rejects(rollout('--revision', 'Hello'), usage('InvalidName', /"Hello"/));
    await assert.rejects(rollout('--image', 'a b'), usage('InvalidImage', /--image "a b"/));
    await assert.rejects(rollout('--env', 'A'), usage('InvalidEnv', /--env "A"/));
    await assert.rejects(rollout('--annotation', 'x'), usage('InvalidAnnotation', /"x"/));
  });

  test("verify's own --path and --http-timeout are not rollout flags", async () => {
    await assert.rejects(rollout('--path', '/x'), usage('UnknownOption', /'--path'/));
    await assert.rejects(rollout('--http-timeout', '1s'), usage('UnknownOption', /'--http-timeout'/));
  });
});

describe('demo options', () => {
  test("defaults: the sample's next image, percents 50,100", async () => {
    const expected: DemoOptions = { image: undefined, percents: '50,100', metrics: true, fleet: false, yes: false };
    assert.deepEqual(await parseOpts<DemoOptions>(['demo']), expected);
  });

  test('--no-metrics', async () => {
    assert.equal((await parseOpts<DemoOptions>(['demo', '--no-metrics'])).metrics, false);
  });

  test('--fleet and --yes', async () => {
    const o = await parseOpts<DemoOptions>(['demo', '--fleet', '--yes']);
    assert.deepEqual([o.fleet, o.yes], [true, true]);
  });

  test('--image and --percents', async () => {
    const expected: DemoOptions = {
      image: 'ghcr.io/bgctl/hello:v3',
      percents: '10,50,100',
      metrics: true,
      fleet: false,
      yes: false,
    };
    assert.deepEqual(
      await parseOpts<DemoOptions>(['demo', '--image', 'ghcr.io/bgctl/hello:v3', '--percents', '10,50,100']),
      expected,
    );
  });

  test('--steps is the old name of --percents', async () => {
    const expected: DemoOptions = { image: undefined, percents: '25,100', metrics: true, fleet: false, yes: false };
    assert.deepEqual(await parseOpts<DemoOptions>(['demo', '--steps', '25,100']), expected);
  });

  test('bad values are refused before the playground starts', async () => {
    await assert.rejects(parseOpts(['demo', '--percents', '50,10']), usage('InvalidSteps', /--percents/));
    await assert.rejects(parseOpts(['demo', '--steps', '150']), usage('InvalidPercent', /--steps/));
    await assert.rejects(parseOpts(['demo', '--image', ' ']), usage('InvalidImage', /--image/));
  });

  test('--steps together with --percents is refused', async () => {
    await assert.rejects(
      parseOpts(['demo', '--steps', '25,100', '--percents', '10,100']),
      usage('ConflictingFlags', /--steps is the old name of --percents/),
    );
  });

  test('--steps together with --percents spelling out the default is refused too', async () => {
    await assert.rejects(parseOpts(['demo', '--steps', '10,100', '--percents', '50,100']), usage('ConflictingFlags'));
  });

  test('demo takes no service and no rollout flags', async () => {
    await assert.rejects(parseOpts(['demo', 'hello']), usage('ExcessArguments'));
    await assert.rejects(parseOpts(['demo', '--pause', '1s']), usage('UnknownOption', /'--pause'/));
  });
});
