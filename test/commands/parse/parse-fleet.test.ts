// Parse tests of the fleet flags (rollout and status): -l/--selector, --all-contexts, -A, --context a,b, the pacing
// flags, --image-tag, --context-ingress, --context-prometheus and --fleet; their usage errors come before any request.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOpts, parseVerb, usage } from '../../helpers/parse-verb.js';
import type { RolloutOptions } from '../../../src/commands/rollout/options.js';
import type { StatusOptions } from '../../../src/commands/status/options.js';
import { parseImageTag, splitImageRef, withImageTag } from '../../../src/core/image-ref.js';
import { latestFleet, newFleetId, orderTargets, planWaves, fleetVerdict } from '../../../src/core/fleet.js';
import { decodeState, encodeState, stateProblems } from '../../../src/core/state.js';

describe('fleet flags', () => {
  test('rollout -l app=shop --context a,b: the selector, the context list, the pacing flags', async () => {
    const p = await parseVerb([
      'rollout',
      '-l',
      'app=shop',
      '--context',
      'prod-eu,prod-us',
      '--image-tag',
      'v2',
      '--first-wave',
      '2',
      '--max-parallel',
      '8',
      '--continue-on-failure',
      '--context-ingress',
      'prod-eu=127.0.0.1:8080',
      '--yes',
    ]);
    const o = p.opts as RolloutOptions;
    assert.deepEqual(o.targets, { selector: 'app=shop' });
    assert.deepEqual(o.fleetRun, {
      firstWave: 2,
      maxParallel: 8,
      continueOnFailure: true,
      imageTag: 'v2',
      contextIngress: { 'prod-eu': '127.0.0.1:8080' },
    });
    assert.deepEqual(p.globals.contexts, ['prod-eu', 'prod-us']);
    assert.equal(p.globals.context, undefined);
  });

  test('--fleet ID with --resume or --abort; malformed or without them: usage errors', async () => {
    const id = 'fleet-20250102030405-1a2b3c4d';
    const o = await parseOpts<RolloutOptions>(['rollout', '-l', 'app=shop', '--resume', '--fleet', id, '--yes']);
    assert.deepEqual(o.fleetRun, { fleet: id });
    const a = await parseOpts<RolloutOptions>(['rollout', 'hello', '--abort', '--fleet', ` ${id}\n`]);
    assert.equal(a.fleetRun?.fleet, id);
    await assert.rejects(
      parseOpts(['rollout', '-l', 'app=shop', '--image-tag', 'v2', '--fleet', id]),
      usage('ConflictingFlags', /--fleet names a fleet to continue or undo/),
    );
    for (const bad of ['fleet-1', 'fleet-20250102030405-XYZ', 'f'.repeat(300)])
      await assert.rejects(
        parseOpts(['rollout', '-l', 'app=shop', '--resume', '--fleet', bad]),
        usage('InvalidFleetId', /^invalid --fleet "/),
      );
  });

  test('--context-prometheus CONTEXT=URL: parsed like --prometheus, needs gates, credentials never quoted', async () => {
    const gates = ['--pause', '1m', '--gate', 'error-rate<2%'];
    const o = await parseOpts<RolloutOptions>(
      [
        'rollout',
        '-l',
        'app=shop',
        '--image-tag',
        'v2',
        ...gates,
        '--context-prometheus',
        'eu=https://u:p@prom.eu:9090',
      ],
      {},
    );
    assert.deepEqual(o.fleetRun?.contextPrometheus, { eu: 'https://u:p@prom.eu:9090' });
    assert.equal(o.gates?.prometheus, '', 'no --prometheus: each visited context must have its own');
    const both = await parseOpts<RolloutOptions>([
      'rollout',
      'hello',
      '--image',
      'x:v2',
      ...gates,
      '--prometheus',
      'http://prom:9090',
      '--context-prometheus',
      'eu=http://prom.eu:9090',
    ]);
    assert.equal(both.gates?.prometheus, 'http://prom:9090');
    await assert.rejects(
      parseOpts(['rollout', 'hello', '--image', 'x:v2', '--context-prometheus', 'eu=http://prom.eu:9090']),
      usage('MissingFlag', /add --gate or --gates/),
    );
    for (const bad of [
      'eu=ftp://bob:hunter2@prom',
      'bob:hunter2@prom',
      'eu=http://bob:hunter2@prom/?q=1',
      '=http://p',
    ]) {
      const err = await parseOpts(['rollout', 'hello', '--image', 'x:v2', ...gates, '--context-prometheus', bad]).then(
        () => assert.fail(bad),
        (e: Error) => e,
      );
      assert.match(err.message, /^invalid --context-prometheus /, bad);
      assert.doesNotMatch(err.message, /hunter2/, bad);
    }
  });

  test('one --context stays one context; rollout without fleet flags has no targets', async () => {
    const p = await parseVerb(['rollout', 'hello', '--context', 'a', '--image', 'x:v2', '--yes']);
    assert.equal(p.globals.context, 'a');
    assert.equal(p.globals.contexts, undefined);
    assert.equal((p.opts as RolloutOptions).targets, undefined);
    assert.equal((p.opts as RolloutOptions).fleetRun, undefined);
  });

  test('rollout -A and --all-contexts with SERVICE', async () => {
    const o = await parseOpts<RolloutOptions>(['rollout', 'hello', '-A', '--all-contexts', '--image', 'x:v2']);
    assert.deepEqual(o.targets, { allNamespaces: true, allContexts: true });
  });

  test('status -l and --all-contexts', async () => {
    const o = await parseOpts<StatusOptions>(['status', '--selector', 'tier in (web,api)', '--all-contexts']);
    assert.deepEqual(o.targets, { selector: 'tier in (web,api)', allContexts: true });
  });

  test('usage errors', async () => {
    await assert.rejects(parseOpts(['rollout', 'hello', '-l', 'app=shop']), usage('ConflictingFlags', /SERVICE or/));
    await assert.rejects(parseOpts(['rollout', '-A', '--image', 'x:v2']), usage('MissingArgument'));
    await assert.rejects(
      parseOpts(['rollout', '-l', 'a=b', '--image', 'x:v2', '--image-tag', 'v2']),
      usage('ConflictingFlags', /--image-tag/),
    );
    await assert.rejects(parseOpts(['rollout', '-l', 'a=b', '--revision', 'r-1']), usage('ConflictingFlags'));
    await assert.rejects(parseOpts(['rollout', '-l', 'a=b', '--max-parallel', '0']), usage('InvalidNumber'));
    await assert.rejects(parseOpts(['rollout', '-l', 'a=b', '--first-wave', 'x']), usage('InvalidNumber'));
    await assert.rejects(parseOpts(['rollout', '-l', 'a=b', '--image-tag', '-v2']), usage('InvalidImage'));
    await assert.rejects(parseOpts(['rollout', '-l', 'a=b', '--context-ingress', 'nope']), usage('InvalidIngress'));
    await assert.rejects(parseOpts(['rollout', '-l', ' ']), usage('InvalidSelector'));
    await assert.rejects(
      parseOpts(['rollout', '-l', 'a=b', '--resume', '--image-tag', 'v2']),
      usage('ConflictingFlags', /--resume/),
    );
    await assert.rejects(parseOpts(['status', 'hello', '-l', 'a=b']), usage('ConflictingFlags'));
    await assert.rejects(parseOpts(['status', 'hello', '--watch', '--all-contexts']), usage('ConflictingFlags'));
    await assert.rejects(parseOpts(['status', '--context', 'a,,b']), usage('InvalidContextList'));
    await assert.rejects(
      parseOpts(['split', 'hello', '--percent', '10', '--context', 'a,b']),
      usage('ConflictingFlags', /one context/),
    );
  });
});

describe('image references (--image-tag)', () => {
  test('the tag after the last path component, never a registry port; digests dropped', () => {
    assert.deepEqual(splitImageRef('localhost:5000/shop/cart:v1'), {
      repository: 'localhost:5000/shop/cart',
      tag: 'v1',
    });
    assert.deepEqual(splitImageRef('localhost:5000/shop/cart'), { repository: 'localhost:5000/shop/cart' });
    assert.deepEqual(splitImageRef('ghcr.io/a/b:v1@sha256:abc'), {
      repository: 'ghcr.io/a/b',
      tag: 'v1',
      digest: 'sha256:abc',
    });
    assert.equal(withImageTag('localhost:5000/shop/cart', 'v2'), 'localhost:5000/shop/cart:v2');
    assert.equal(withImageTag('ghcr.io/a/b:v1@sha256:abc', 'v2'), 'ghcr.io/a/b:v2');
    assert.equal(withImageTag('nginx', 'v2'), 'nginx:v2');
    assert.equal(withImageTag('reg:443/nginx@sha256:abc', 'v2'), 'reg:443/nginx:v2');
    assert.equal(parseImageTag('v2.1_rc-1'), 'v2.1_rc-1');
    assert.throws(() => parseImageTag('.v2'));
    assert.throws(() => parseImageTag('a'.repeat(129)));
  });
});

describe('fleet planning (core/fleet.ts)', () => {
  const t = (context: string, service: string, namespace = 'default') => ({ context, namespace, service });
  test('targets ordered by the contexts given; the first context is the first wave unless --first-wave', () => {
    const ordered = orderTargets([t('b', 'x'), t('a', 'y'), t('a', 'x'), t('c', 'x')], ['a', 'b', 'c']);
    assert.deepEqual(
      ordered.map((o) => `${o.context}/${o.service}`),
      ['a/x', 'a/y', 'b/x', 'c/x'],
    );
    assert.equal(planWaves(ordered).first.length, 2);
    assert.deepEqual(
      planWaves(ordered, 1).first.map((o) => o.service),
      ['x'],
    );
  });

  test('the most recent fleet id; the fleet field is validated in the record', () => {
    const a = newFleetId('2026-01-01T10:00:00Z', 'ab12');
    const b = newFleetId('2026-01-02T10:00:00Z', 'cd34');
    assert.equal(a, 'fleet-20260101100000-ab12');
    assert.equal(
      latestFleet([
        { fleet: a, startedAt: '2026-01-01T10:00:01Z' },
        { fleet: b, startedAt: '2026-01-02T10:00:01Z' },
        { startedAt: '2026-01-03T00:00:00Z' },
      ]),
      b,
    );
    const st = {
      id: 'x-1',
      phase: 'staged' as const,
      stable: { revision: 'x-00001', tag: 'stable' },
      candidate: { revision: 'x-00002', tag: 'candidate' },
      percents: [50],
      levelIndex: -1,
      percent: 0,
      startedBy: 'me',
      startedAt: 'now',
      updatedBy: 'me',
      updatedAt: 'now',
      fleet: a,
    };
    assert.equal(decodeState(encodeState(st)).fleet, a);
    assert.deepEqual(stateProblems({ ...JSON.parse(encodeState(st)), fleet: 'nope' }), [
      'fleet: must be a fleet id (fleet-<14 digits>-<hex>)',
    ]);
  });

  test('the verdict: a failed check 3, another failure 1, a context missed 4, paused 8', () => {
    assert.equal(fleetVerdict([{ outcome: 'failed', exitCode: 3 }, { outcome: 'aborted' }], 0).exitCode, 3);
    assert.equal(fleetVerdict([{ outcome: 'failed', exitCode: 6 }], 1).exitCode, 1);
    assert.equal(fleetVerdict([{ outcome: 'promoted' }], 1).exitCode, 4);
    assert.equal(fleetVerdict([{ outcome: 'paused' }], 0).exitCode, 8);
    assert.equal(fleetVerdict([{ outcome: 'promoted' }, { outcome: 'skipped' }], 0).exitCode, 0);
  });
});
