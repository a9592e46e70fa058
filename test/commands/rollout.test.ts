// `bgctl rollout` unattended, through main() over HTTPS against the playground: each run is checked
// by its exit code, stdout, stderr and the Service stored in the playground afterwards.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import {
  cliEnv,
  createReadyService,
  foreignMergePatch,
  getService,
  mask,
  revisionNames,
  specTraffic,
  waitForStored,
} from './step-helpers.js';
import { readState } from '../../src/core/state.js';

const NOW = () => new Date('2026-11-26T12:00:00Z');

describe('bgctl rollout (unattended)', () => {
  const pg = usePlayground();
  const env = () => cliEnv(pg.current, { BGCTL_INGRESS: pg.current.ingress });
  const cli = (...argv: string[]) => runCli(argv, { env: env(), now: NOW });

  test('full run: deploy, stage, verify, split 50, promote; one RolloutResult on stdout', async () => {
    await createReadyService(pg.current, 'full');
    const r = await cli(
      'rollout',
      'full',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--expect-body',
      'Hello from full-00002',
      '--requests',
      '3',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.apiVersion, 'bgctl.dev/v1');
    assert.equal(doc.kind, 'RolloutResult');
    assert.equal(doc.phase, 'promoted');
    assert.equal(doc.outcome, 'completed');
    assert.deepEqual(doc.stable, { revisionName: 'full-00001', tag: 'stable' });
    assert.deepEqual(doc.candidate, {
      revisionName: 'full-00002',
      tag: 'candidate',
      url: 'http://candidate-full.default.example.com',
    });
    assert.deepEqual(doc.previous, {
      revisionName: 'full-00001',
      tag: 'previous',
      url: 'http://previous-full.default.example.com',
    });
    assert.deepEqual(
      doc.steps.map((s: { action: string; result: string }) => `${s.action}:${s.result}`),
      ['deploy:applied', 'stage:applied', 'verify:passed', 'verify:applied', 'split:applied', 'promote:applied'],
    );
    assert.equal(doc.verification.length, 1);
    assert.equal(doc.verification[0].verdict, 'Passed');
    assert.equal(doc.verification[0].requests, 3);
    assert.deepEqual(
      doc.traffic.map((t: { revisionName: string; tag: string; percent: number }) => [
        t.revisionName,
        t.tag,
        t.percent,
      ]),
      [
        ['full-00002', 'candidate', 100],
        ['full-00001', 'previous', 0],
      ],
    );
    // The cluster agrees, and the finished rollout is in the history.
    assert.deepEqual(specTraffic(pg.current, 'full'), [
      { tag: 'candidate', revisionName: 'full-00002', percent: 100 },
      { tag: 'previous', revisionName: 'full-00001', percent: 0 },
    ]);
    const read = readState(getService(pg.current, 'full'));
    assert.equal(read.state?.phase, 'promoted');
    assert.equal(read.history[0]?.phase, 'promoted');
    // Narration and the equivalent commands go to stderr, one line per step.
    assert.match(r.stderr, /-> Deploying ghcr\.io\/bgctl\/hello:v2 as a new revision; traffic stays on full-00001/);
    assert.match(r.stderr, /\$ bgctl deploy full --image ghcr\.io\/bgctl\/hello:v2 --yes/);
    assert.match(r.stderr, /\$ bgctl stage full --yes/);
    assert.match(r.stderr, /\$ bgctl verify full --tag candidate --expect-body 'Hello from full-00002' --requests 3/);
    assert.match(r.stderr, /\$ bgctl split full --percent 50 --yes/);
    assert.match(r.stderr, /\$ bgctl promote full --yes/);
  });

  test('human output: the final traffic and URLs on stdout (golden)', async () => {
    await createReadyService(pg.current, 'gold');
    const r = await cli(
      'rollout',
      'gold',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--no-verify',
      '--steps',
      '100',
      '--yes',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      mask(r.stdout),
      [
        'REVISION     TAG         TRAFFIC                     READY   URL',
        'gold-00002   candidate   #################### 100%   True    http://candidate-gold.default.example.com',
        'gold-00001   previous    ....................   0%   True    http://previous-gold.default.example.com',
        'Rollout:   gold-20261126120000 promoted',
        'URL:       http://gold.default.example.com',
        'Candidate: http://candidate-gold.default.example.com (gold-00002, tag candidate)',
        'Previous:  http://previous-gold.default.example.com (gold-00001, tag previous)',
        '',
      ].join('\n'),
    );
    assert.doesNotMatch(r.stderr, /split/);
  });

  test('usage errors: nothing is written without --yes or without --image', async () => {
    await createReadyService(pg.current, 'strict');
    const before = getService(pg.current, 'strict').metadata.resourceVersion;
    const noYes = await cli('rollout', 'strict', '--image', 'ghcr.io/bgctl/hello:v2');
    assert.equal(noYes.code, 2);
    assert.match(noYes.stderr, /traffic only with --yes/);
    const noImage = await cli('rollout', 'strict', '--yes');
    assert.equal(noImage.code, 2);
    assert.match(noImage.stderr, /--image is required when not running interactively/);
    const noService = await cli('rollout', '--image', 'x', '--yes');
    assert.equal(noService.code, 2);
    const badSteps = await cli('rollout', 'strict', '--image', 'x', '--steps', '50,20', '--yes');
    assert.equal(badSteps.code, 2);
    assert.match(badSteps.stderr, /steps must increase/);
    const both = await cli('rollout', 'strict', '--resume', '--abort', '--yes');
    assert.equal(both.code, 2);
    assert.equal(getService(pg.current, 'strict').metadata.resourceVersion, before);
  });

  test('--dry-run plans the first step and changes nothing', async () => {
    await createReadyService(pg.current, 'dry');
    const before = getService(pg.current, 'dry').metadata.resourceVersion;
    const r = await cli('rollout', 'dry', '--image', 'ghcr.io/bgctl/hello:v2', '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(getService(pg.current, 'dry').metadata.resourceVersion, before);
    assert.match(r.stderr, /\$ bgctl deploy dry --image ghcr\.io\/bgctl\/hello:v2 --yes/);
    assert.match(r.stdout, /^Plan: deploy dry/m);
    assert.match(r.stderr, /Dry run: nothing was changed/);
  });

  test('--revision rolls out an existing idle revision without deploying', async () => {
    await createReadyService(pg.current, 'idle');
    foreignMergePatch(pg.current, 'idle', {
      spec: {
        traffic: [{ revisionName: 'idle-00001', percent: 100 }],
        template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v2' }] } },
      },
    });
    await waitForStored(pg.current, 'idle', (o) => o.status?.latestReadyRevisionName === 'idle-00002');
    const r = await cli(
      'rollout',
      'idle',
      '--revision',
      'idle-00002',
      '--tag',
      'next',
      '--no-verify',
      '--retire',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.steps.map((s: { action: string }) => s.action),
      ['stage', 'split', 'promote'],
    );
    assert.match(r.stderr, /\$ bgctl stage idle --tag next --revision idle-00002 --yes/);
    assert.doesNotMatch(r.stderr, /Deploying/);
    assert.deepEqual(specTraffic(pg.current, 'idle'), [{ tag: 'next', revisionName: 'idle-00002', percent: 100 }]);
    assert.deepEqual(revisionNames(pg.current, 'idle'), ['idle-00001', 'idle-00002']);
  });
});
