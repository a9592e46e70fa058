// The step verbs' --notify: deploy, stage, split, promote, rollback and pin POST the same RolloutEvent the rollout
// sends, for the phase change each written step made, to a real local HTTP receiver; a step that writes nothing
// (no-op, dry run) sends nothing; a failing receiver never fails the step; bad values are exit 2 before any write.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { receiver, type Receiver } from '../helpers/webhook-receiver.js';
import { usePlayground } from '../helpers/playground.js';
import { cliEnv, createReadyService, getService } from './step-helpers.js';

describe('step verbs --notify', () => {
  const pg = usePlayground();
  let ok: Receiver;
  let failing: Receiver;
  before(async () => {
    ok = await receiver(200);
    failing = await receiver(500);
  });
  after(async () => {
    await Promise.all([ok.close(), failing.close()]);
  });
  const step = (args: string[], extra: Record<string, string> = {}) => runCli(args, { env: cliEnv(pg.current, extra) });
  const eventsOf = (r: Receiver, service: string) =>
    r.bodies.filter((b) => b.service === service).map((b) => `${b.event}${b.event === 'split' ? b.percent : ''}`);

  test('deploy, stage, split, promote: one event per phase change, as the rollout sends them', async () => {
    await createReadyService(pg.current, 'steppy');
    const hook = `${ok.url}/hooks/steppy`;
    const runs = [
      ['deploy', 'steppy', '--image', 'ghcr.io/bgctl/hello:v2', '--notify', hook, '--yes'],
      ['stage', 'steppy', '--notify', hook, '--yes'],
      ['split', 'steppy', '--percent', '20', '--notify', hook, '--yes'],
      // The same split again changes nothing: no event.
      ['split', 'steppy', '--percent', '20', '--notify', hook, '--yes'],
      // A dry run writes nothing: no event.
      ['split', 'steppy', '--percent', '60', '--dry-run', '--notify', hook],
      ['promote', 'steppy', '--notify', hook, '--yes'],
    ];
    for (const args of runs) {
      const r = await step(args, { BGCTL_ACTOR: 'ci-bot' });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    assert.deepEqual(eventsOf(ok, 'steppy'), ['started', 'deployed', 'staged', 'split20', 'promoted']);
    const mine = ok.bodies.filter((b) => b.service === 'steppy');
    const ids = new Set(mine.map((b) => b.rolloutId));
    assert.equal(ids.size, 1, 'every event names the one rollout');
    for (const b of mine) {
      assert.equal(b.apiVersion, 'bgctl.dev/v1');
      assert.equal(b.kind, 'RolloutEvent');
      assert.equal(b.namespace, 'default');
      assert.equal(b.actor, 'ci-bot');
      assert.ok(!Number.isNaN(Date.parse(b.at)));
    }
    const split = mine.find((b) => b.event === 'split');
    assert.equal(split.stable.revisionName, 'steppy-00001');
    assert.equal(split.candidate.revisionName, 'steppy-00002');
    assert.deepEqual(
      split.traffic.filter((t: { percent: number }) => t.percent > 0).map((t: any) => [t.revisionName, t.percent]),
      [
        ['steppy-00001', 80],
        ['steppy-00002', 20],
      ],
    );
    assert.equal(mine.at(-1).phase, 'promoted');
  });

  test('BGCTL_NOTIFY_URL holds several URLs separated by spaces; a comma stays inside its URL', async () => {
    await createReadyService(pg.current, 'commas');
    const env = { BGCTL_NOTIFY_URL: ` ${ok.url}/one?tags=a,b\n${ok.url}/two ` };
    const r = await step(['deploy', 'commas', '--image', 'ghcr.io/bgctl/hello:v2', '--yes'], env);
    assert.equal(r.code, 0, r.stderr);
    const sent = ok.paths.filter((_, i) => ok.bodies[i]?.service === 'commas');
    assert.ok(sent.includes('/one?tags=a,b'), sent.join(' '));
    assert.ok(sent.includes('/two'), sent.join(' '));
  });

  test('BGCTL_NOTIFY_URL with --notify-format slack: rollback sends a Slack message for rolled-back', async () => {
    await createReadyService(pg.current, 'backy');
    const env = { BGCTL_NOTIFY_URL: `${ok.url}/slack/backy` };
    for (const args of [
      ['deploy', 'backy', '--image', 'ghcr.io/bgctl/hello:v2', '--yes'],
      ['stage', 'backy', '--yes'],
      ['split', 'backy', '--percent', '50', '--yes'],
    ]) {
      const r = await step(args);
      assert.equal(r.code, 0, r.stderr);
    }
    const r = await step(['rollback', 'backy', '--notify-format', 'slack', '--yes'], env);
    assert.equal(r.code, 0, r.stderr);
    const slack = ok.bodies.filter((b) => typeof b.text === 'string' && b.text.includes('backy'));
    assert.equal(slack.length, 1, 'only the step run with a notify URL sent');
    assert.equal(slack[0].text, 'bgctl: backy rolled back to backy-00001 (rolled back by tester)');
    assert.ok(slack[0].blocks[1].fields.some((f: { text: string }) => f.text === '*Phase:* rolled-back'));
  });

  test('pin --take-over during a rollout sends aborted; a failing receiver is a warning, the step exits 0', async () => {
    await createReadyService(pg.current, 'pinny');
    const d = await step(['deploy', 'pinny', '--image', 'ghcr.io/bgctl/hello:v2', '--yes']);
    assert.equal(d.code, 0, d.stderr);
    const hook = `http://user:PASS-123@${failing.url.slice('http://'.length)}/x/TOKEN-9`;
    const r = await step(['pin', 'pinny', '--take-over', '--notify', hook, '--notify', `${ok.url}/p`, '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(eventsOf(ok, 'pinny'), ['aborted']);
    assert.equal(failing.bodies.filter((b) => b.service === 'pinny').length, 3, 'three tries');
    assert.match(r.stderr, /Warning: notification "aborted" to http:\/\/127\.0\.0\.1:\d+\/… failed after 3 tries/);
    assert.doesNotMatch(r.stdout + r.stderr, /PASS-123|TOKEN-9/);
  });

  test('bad --notify values are usage errors before anything is written', async () => {
    await createReadyService(pg.current, 'strict');
    const rv = getService(pg.current, 'strict').metadata.resourceVersion;
    for (const [args, env, re] of [
      [['--notify', 'ftp://x/y'], {}, /invalid --notify URL ftp:\/\/x\/…: want http/],
      [['--notify', 'http://a b'], {}, /invalid --notify URL/],
      [['--notify-format', 'slack'], {}, /--notify-format needs --notify URL/],
      [['--notify', 'http://x/', '--notify-format', 'teams'], {}, /invalid --notify-format "teams"/],
      [[], { BGCTL_NOTIFY_URL: 'file:///etc/passwd' }, /invalid BGCTL_NOTIFY_URL URL file:\/\/\/…/],
    ] as const) {
      for (const verb of [['pin'], ['split', '--percent', '10'], ['deploy', '--image', 'ghcr.io/bgctl/hello:v2']]) {
        const r = await step([verb[0], 'strict', ...verb.slice(1), ...args, '--yes'], env);
        assert.equal(r.code, 2, `${verb.join(' ')} ${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, re);
      }
    }
    assert.equal(getService(pg.current, 'strict').metadata.resourceVersion, rv, 'nothing was written');
  });
});
