// `bgctl rollout --notify`: a POST per phase change to real local HTTP servers, in JSON or Slack form, in order;
// delivery failures (an erroring, a resetting and a hanging receiver) never fail or block the rollout, are one
// warning per URL, and the URL's secret path and credentials are never printed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { receiver, type Receiver } from '../helpers/webhook-receiver.js';
import { usePlayground } from '../helpers/playground.js';
import { cliEnv, createReadyService } from './step-helpers.js';

describe('bgctl rollout --notify', () => {
  const pg = usePlayground();
  const receivers: Receiver[] = [];
  const make = async (mode?: number | 'reset' | 'hang') => {
    const r = await receiver(mode);
    receivers.push(r);
    return r;
  };
  let ok: Receiver;
  before(async () => {
    ok = await make(200);
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });
  const rollout = (args: string[], extra: Record<string, string> = {}) =>
    runCli(['rollout', ...args], { env: cliEnv(pg.current, { BGCTL_INGRESS: pg.current.ingress, ...extra }) });

  test('one JSON event per phase change, in order, with service, revisions, traffic, actor and URLs', async () => {
    await createReadyService(pg.current, 'told');
    const r = await rollout([
      'told',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--percents',
      '20,100',
      '--notify',
      `http://hook:s3cret-pass@${ok.url.slice('http://'.length)}/hooks/SECRET-PATH-123`,
      '--yes',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const mine = ok.bodies.filter((b) => b.service === 'told');
    assert.deepEqual(
      mine.map((b) => `${b.event}${b.event === 'split' ? b.percent : ''}`),
      ['started', 'deployed', 'staged', 'verified', 'split20', 'promoted'],
    );
    for (const b of mine) {
      assert.equal(b.apiVersion, 'bgctl.dev/v1');
      assert.equal(b.kind, 'RolloutEvent');
      assert.equal(b.namespace, 'default');
      assert.equal(b.actor, 'tester');
      assert.match(b.rolloutId, /^told-\d+$/);
      assert.ok(!Number.isNaN(Date.parse(b.at)));
    }
    const split = mine.find((b) => b.event === 'split');
    assert.deepEqual(split.stable, {
      revisionName: 'told-00001',
      tag: 'stable',
      url: 'http://stable-told.default.example.com',
    });
    assert.equal(split.candidate.revisionName, 'told-00002');
    assert.deepEqual(
      split.traffic.filter((t: { percent: number }) => t.percent > 0).map((t: any) => [t.revisionName, t.percent]),
      [
        ['told-00001', 80],
        ['told-00002', 20],
      ],
    );
    assert.equal(split.url, 'http://told.default.example.com');
    // user:password of the URL went as Basic auth; nothing of the URL's secrets reached the output.
    assert.equal(ok.headers.at(-1)?.authorization, `Basic ${Buffer.from('hook:s3cret-pass').toString('base64')}`);
    assert.doesNotMatch(r.stdout + r.stderr, /s3cret|SECRET-PATH/);
  });

  test('--notify-format slack: text and blocks; a failed verification is a rolled-back event with its reason', async () => {
    await createReadyService(pg.current, 'slacky');
    const r = await rollout([
      'slacky',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--expect-body',
      '<never>',
      '--requests',
      '2',
      '--notify',
      `${ok.url}/slack`,
      '--notify-format',
      'slack',
      '--yes',
    ]);
    assert.equal(r.code, 3, r.stderr);
    const mine = ok.bodies.filter((b) => typeof b.text === 'string' && b.text.includes('slacky'));
    const last = mine.at(-1);
    assert.match(last.text, /^bgctl: slacky rolled back to slacky-00001 \(rolled back after failed verification: /);
    assert.equal(last.blocks[0].type, 'section');
    assert.ok(last.blocks[1].fields.some((f: { text: string }) => f.text === '*Phase:* rolled-back'));
  });

  test('receivers that fail, reset or hang: the rollout completes (exit 0), one warning per URL, no secret shown', async () => {
    const failing = await make(500);
    const resetting = await make('reset');
    const hanging = await make('hang');
    await createReadyService(pg.current, 'deaf');
    const r = await rollout(
      [
        'deaf',
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--no-verify',
        '--notify',
        `${failing.url}/x/TOKEN-ONE`,
        '--notify',
        `${resetting.url}/x/TOKEN-TWO`,
        '--yes',
        '-o',
        'json',
      ],
      { BGCTL_NOTIFY_URL: 'http://ignored.invalid/' },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).phase, 'promoted');
    // Three tries per event, in order: the first event reached the failing receiver three times.
    assert.equal(failing.bodies.filter((b) => b.event === 'started').length, 3);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('Warning: notification'));
    assert.equal(warnings.length, 2, r.stderr);
    assert.match(warnings[0] + warnings[1], /to http:\/\/127\.0\.0\.1:\d+\/… failed after 3 tries \(HTTP 500\)/);
    assert.match(r.stderr, /Warning: \d+ more notifications to http:\/\/127\.0\.0\.1:\d+\/… failed/);
    assert.doesNotMatch(r.stderr, /TOKEN-ONE|TOKEN-TWO|ignored\.invalid/);

    // A receiver that never answers holds nothing up but the end of the run, which is bounded.
    await createReadyService(pg.current, 'slow');
    const slow = await rollout(['slow', '--image', 'ghcr.io/bgctl/hello:v2', '--no-verify', '--yes'], {
      BGCTL_NOTIFY_URL: `${hanging.url}/h`,
    });
    assert.equal(slow.code, 0, slow.stderr);
    assert.ok(hanging.bodies.length >= 1, 'the hanging receiver got the first event');
    assert.match(
      slow.stderr,
      /Warning: notifications to http:\/\/127\.0\.0\.1:\d+\/… still under way after 15s were abandoned/,
    );
  });

  test('bad --notify values are usage errors before anything is written', async () => {
    for (const [args, re] of [
      [['--notify', 'ftp://x/y'], /invalid --notify URL ftp:\/\/x\/…: want http/],
      [['--notify', 'http://a b'], /invalid --notify URL/],
      [['--notify-format', 'slack'], /--notify-format needs --notify URL/],
      [['--notify', 'http://x/', '--notify-format', 'teams'], /invalid --notify-format "teams"/],
    ] as const) {
      const r = await rollout(['nobody', '--image', 'ghcr.io/bgctl/hello:v2', ...args, '--yes']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, re);
    }
  });
});
